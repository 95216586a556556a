using System.Net.WebSockets;
using System.Text;
using System.Text.Json;
using OrleansChat.Bench;

namespace OrleansChat.Tests.Infrastructure;

/// <summary>
/// A WebSocket to the hub with no SignalR client in between, for sending what a real client never would:
/// oversized or malformed frames, unknown methods, wrong arguments, foreign origins.
/// </summary>
public sealed class RawHubSocket : IAsyncDisposable
{
    public const char RecordSeparator = '\u001e';
    private readonly WebSocket _socket;
    private readonly Queue<string> _records = new(); // a frame may carry several records

    private RawHubSocket(WebSocket socket) => _socket = socket;

    public WebSocketState State => _socket.State;

    public static async Task<RawHubSocket> ConnectAsync(Uri server, string? origin = null, string? forwardedFor = null)
    {
        var socket = new ClientWebSocket();
        if (origin is not null)
        {
            socket.Options.SetRequestHeader("Origin", origin);
        }

        if (forwardedFor is not null)
        {
            socket.Options.SetRequestHeader("X-Forwarded-For", forwardedFor);
        }

        socket.Options.CollectHttpResponseDetails = true;
        await socket.ConnectAsync(new UriBuilder(new Uri(server, "/hubs/chat")) { Scheme = "ws" }.Uri, CancellationToken.None);
        var hub = new RawHubSocket(socket);
        await hub.SendAsync("{\"protocol\":\"json\",\"version\":1}" + RecordSeparator);
        var handshake = await hub.ReceiveAsync();
        return handshake == "{}" ? hub : throw new InvalidOperationException($"handshake answered '{handshake}'");
    }

    /// <summary>
    /// A connection whose TCP receive buffer is tiny, so that a test can stop reading and have the server
    /// notice soon: the upgrade is done by hand over a socket the test configures.
    /// </summary>
    public static async Task<RawHubSocket> ConnectWithSmallReceiveBufferAsync(Uri server, int receiveBufferBytes)
    {
        var tcp = new System.Net.Sockets.TcpClient { ReceiveBufferSize = receiveBufferBytes };
        await tcp.ConnectAsync(server.Host, server.Port);
        var stream = tcp.GetStream();
        var key = Convert.ToBase64String(Guid.NewGuid().ToByteArray());
        var request = $"GET /hubs/chat HTTP/1.1\r\nHost: {server.Authority}\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n" +
                      $"Sec-WebSocket-Key: {key}\r\nSec-WebSocket-Version: 13\r\n\r\n";
        await stream.WriteAsync(Encoding.ASCII.GetBytes(request));
        var response = new StringBuilder();
        while (!response.ToString().EndsWith("\r\n\r\n", StringComparison.Ordinal))
        {
            var b = stream.ReadByte();
            if (b < 0)
            {
                throw new IOException($"the upgrade was answered with: {response}");
            }

            response.Append((char)b);
        }

        if (!response.ToString().StartsWith("HTTP/1.1 101", StringComparison.Ordinal))
        {
            throw new IOException($"the upgrade was answered with: {response}");
        }

        var hub = new RawHubSocket(WebSocket.CreateFromStream(stream, new WebSocketCreationOptions { IsServer = false }));
        await hub.SendAsync("{\"protocol\":\"json\",\"version\":1}" + RecordSeparator);
        var handshake = await hub.ReceiveAsync();
        return handshake == "{}" ? hub : throw new InvalidOperationException($"handshake answered '{handshake}'");
    }

    /// <summary>Reads until the server closes or drops the connection; returns how many records arrived.</summary>
    public async Task<int> DrainAsync()
    {
        var count = 0;
        try
        {
            while (await ReceiveAsync() is not null)
            {
                count++;
            }
        }
        catch (Exception exception) when (exception is IOException or WebSocketException)
        {
        }

        return count;
    }

    /// <summary>The status code of a refused handshake.</summary>
    public static async Task<int> RefusalAsync(Uri server, string? origin, string? forwardedFor = null)
    {
        using var socket = new ClientWebSocket();
        if (forwardedFor is not null)
        {
            socket.Options.SetRequestHeader("X-Forwarded-For", forwardedFor);
        }

        if (origin is not null)
        {
            socket.Options.SetRequestHeader("Origin", origin);
        }

        socket.Options.CollectHttpResponseDetails = true;
        try
        {
            await socket.ConnectAsync(new UriBuilder(new Uri(server, "/hubs/chat")) { Scheme = "ws" }.Uri, CancellationToken.None);
            return (int)socket.HttpStatusCode;
        }
        catch (WebSocketException)
        {
            return (int)socket.HttpStatusCode;
        }
    }

    public Task SendAsync(string text) =>
        _socket.SendAsync(Encoding.UTF8.GetBytes(text), WebSocketMessageType.Text, true, CancellationToken.None);

    public Task InvokeAsync(string invocationId, string target, params object?[] arguments) =>
        SendAsync(JsonSerializer.Serialize(new { type = 1, invocationId, target, arguments }) + RecordSeparator);

    /// <summary>The next record the server sends that is not a ping, or null when the connection closed.</summary>
    public async Task<string?> ReceiveAsync()
    {
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(20));
        while (true)
        {
            while (_records.TryDequeue(out var queued))
            {
                if (!queued.Contains("\"type\":6", StringComparison.Ordinal))
                {
                    return queued;
                }
            }

            var buffer = new byte[64 * 1024];
            var text = new StringBuilder();
            WebSocketReceiveResult result;
            do
            {
                try
                {
                    result = await _socket.ReceiveAsync(buffer, timeout.Token);
                }
                catch (Exception exception) when (exception is WebSocketException or IOException)
                {
                    return null;
                }

                if (result.MessageType == WebSocketMessageType.Close)
                {
                    return null;
                }

                text.Append(Encoding.UTF8.GetString(buffer, 0, result.Count));
            }
            while (!result.EndOfMessage);

            foreach (var record in text.ToString().Split(RecordSeparator, StringSplitOptions.RemoveEmptyEntries))
            {
                _records.Enqueue(record);
            }
        }
    }

    /// <summary>Records until the completion of <paramref name="invocationId"/> (or a close message), which is returned.</summary>
    public async Task<JsonElement?> CompletionAsync(string invocationId)
    {
        while (await ReceiveAsync() is { } record)
        {
            var root = JsonDocument.Parse(record).RootElement;
            var type = root.GetProperty("type").GetInt32();
            if (type == 7 || type == 3 && root.GetProperty("invocationId").GetString() == invocationId)
            {
                return root;
            }
        }

        return null;
    }

    public ValueTask DisposeAsync() => _socket.CloseAndDisposeAsync();
}
