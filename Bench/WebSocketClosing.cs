using System.Net.WebSockets;

namespace OrleansChat.Bench;

public static class WebSocketClosing
{
    /// <summary>Closes politely if the socket is still open, then disposes it; a peer already gone is not an error.</summary>
    public static async ValueTask CloseAndDisposeAsync(this WebSocket socket)
    {
        try
        {
            if (socket.State == WebSocketState.Open)
            {
                await socket.CloseAsync(WebSocketCloseStatus.NormalClosure, null, CancellationToken.None);
            }
        }
        catch (Exception exception) when (exception is WebSocketException or IOException)
        {
        }

        socket.Dispose();
    }
}
