using System.Net;
using System.Net.Sockets;

namespace OrleansChat.Tests.Infrastructure;

public static class FreePort
{
    // Below Linux's ephemeral range (32768-60999): the tests open thousands of client connections, and
    // a port picked from that range can be taken by one of them before the server binds it.
    private const int First = 20000, Last = 32000;
    private static readonly HashSet<int> HandedOut = [];

    /// <summary>A loopback TCP port nobody listens on right now and this test run has not handed out before.</summary>
    public static int Next()
    {
        lock (HandedOut)
        {
            while (true)
            {
                var port = Random.Shared.Next(First, Last);
                if (HandedOut.Contains(port) || !IsFree(port))
                {
                    continue;
                }

                HandedOut.Add(port);
                return port;
            }
        }
    }

    private static bool IsFree(int port)
    {
        try
        {
            using var listener = new TcpListener(IPAddress.Any, port);
            listener.Start();
            return true;
        }
        catch (SocketException)
        {
            return false;
        }
    }
}
