using System.Net.Sockets;
using System.Text;

namespace OrleansChat.Bench;

/// <summary>
/// Redis' own traffic counters (<c>INFO stats</c>), read over a plain socket, so a run can report what its
/// measured period wrote to Redis: <c>--redis 127.0.0.1:6399</c>.
/// </summary>
public sealed record RedisCounters(long InputBytes, long Commands)
{
    public static RedisCounters? Read(string? endpoint)
    {
        if (string.IsNullOrEmpty(endpoint))
        {
            return null;
        }

        var (host, port) = (endpoint[..endpoint.LastIndexOf(':')], int.Parse(endpoint[(endpoint.LastIndexOf(':') + 1)..]));
        using var client = new TcpClient(host, port);
        using var stream = client.GetStream();
        stream.Write("INFO stats\r\n"u8);
        var reply = new StringBuilder();
        var buffer = new byte[16384];
        // A bulk string: "$<length>\r\n<text>\r\n"; read until all of it is here.
        while (!(reply.Length > 0 && reply.ToString() is var text && text.IndexOf("\r\n", StringComparison.Ordinal) is var header and > 0
                 && text.Length >= header + 2 + int.Parse(text[1..header])))
        {
            var read = stream.Read(buffer);
            if (read == 0)
            {
                break;
            }

            reply.Append(Encoding.ASCII.GetString(buffer, 0, read));
        }

        long Field(string name) => long.Parse(reply.ToString().Split("\r\n").First(l => l.StartsWith(name + ":", StringComparison.Ordinal))[(name.Length + 1)..]);
        return new RedisCounters(Field("total_net_input_bytes"), Field("total_commands_processed"));
    }
}
