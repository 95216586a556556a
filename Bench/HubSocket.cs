using System.Buffers;
using System.Net.WebSockets;
using System.Text;
using System.Text.Json;

namespace OrleansChat.Bench;

/// <summary>
/// A lean chat client: one WebSocket speaking the SignalR JSON protocol directly (handshake, invocations,
/// completions, pings), costing far less per message than the full client library, so the load generator
/// stays out of the way of what it measures.
/// </summary>
public sealed class HubSocket : IAsyncDisposable
{
    private const char RecordSeparator = '\u001e';
    private readonly ClientWebSocket _socket = new();
    private readonly Dictionary<string, TaskCompletionSource<JsonElement>> _pending = [];
    private readonly SemaphoreSlim _send = new(1, 1);
    private readonly Lock _gate = new();
    private readonly TaskCompletionSource _closed = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private int _nextId;

    /// <summary>
    /// Called for each <c>message</c> the server sends, with its seq, its text (UTF-8, as sent: the
    /// benchmark's texts need no unescaping) and the <see cref="System.Diagnostics.Stopwatch"/> timestamp
    /// of its arrival. Other server-to-client calls are ignored. The text is valid only during the call.
    /// </summary>
    public MessageHandler? OnMessage { get; set; }

    public delegate void MessageHandler(long seq, ReadOnlySpan<byte> text, long receivedAt);

    /// <summary>Completes when the server closes the connection; true when it allowed reconnecting.</summary>
    public Task Closed => _closed.Task;

    public bool? AllowReconnect { get; private set; }

    public static async Task<HubSocket> ConnectAsync(Uri server, CancellationToken cancellationToken)
    {
        var hub = new HubSocket();
        var uri = new UriBuilder(new Uri(server, "/hubs/chat")) { Scheme = server.Scheme == "https" ? "wss" : "ws" }.Uri;
        await hub._socket.ConnectAsync(uri, cancellationToken);
        await hub.SendRawAsync("{\"protocol\":\"json\",\"version\":1}" + RecordSeparator);
        _ = hub.ReceiveAsync();
        _ = hub.KeepAliveAsync();
        return hub;
    }

    public async Task<JsonElement> InvokeAsync(string target, params object?[] arguments)
    {
        var id = Interlocked.Increment(ref _nextId).ToString();
        var completion = new TaskCompletionSource<JsonElement>(TaskCreationOptions.RunContinuationsAsynchronously);
        lock (_gate)
        {
            _pending[id] = completion;
        }

        var message = JsonSerializer.Serialize(new { type = 1, invocationId = id, target, arguments });
        await SendRawAsync(message + RecordSeparator);
        return await completion.Task;
    }

    /// <summary>The server drops a client it has not heard from in 30 s; a silent client pings every 15 s.</summary>
    private async Task KeepAliveAsync()
    {
        using var timer = new PeriodicTimer(TimeSpan.FromSeconds(15));
        while (await timer.WaitForNextTickAsync() && !_closed.Task.IsCompleted)
        {
            try
            {
                await SendRawAsync("{\"type\":6}" + RecordSeparator);
            }
            catch (Exception exception) when (exception is WebSocketException or ObjectDisposedException)
            {
                return;
            }
        }
    }

    private async Task SendRawAsync(string frame)
    {
        var bytes = Encoding.UTF8.GetBytes(frame);
        await _send.WaitAsync();
        try
        {
            await _socket.SendAsync(bytes, WebSocketMessageType.Text, true, CancellationToken.None);
        }
        finally
        {
            _send.Release();
        }
    }

    private async Task ReceiveAsync()
    {
        var buffer = new ArrayBufferWriter<byte>(4096);
        try
        {
            while (_socket.State == WebSocketState.Open)
            {
                var result = await _socket.ReceiveAsync(buffer.GetMemory(4096), CancellationToken.None);
                if (result.MessageType == WebSocketMessageType.Close)
                {
                    break;
                }

                buffer.Advance(result.Count);
                if (!result.EndOfMessage)
                {
                    continue;
                }

                // Stamped before parsing, so the generator's own work is not counted as the server's latency.
                var receivedAt = System.Diagnostics.Stopwatch.GetTimestamp();
                var frame = buffer.WrittenMemory;
                while (frame.Span.IndexOf((byte)RecordSeparator) is var end and >= 0)
                {
                    if (end > 0)
                    {
                        Handle(frame[..end], receivedAt);
                    }

                    frame = frame[(end + 1)..];
                }

                buffer.Clear();
            }
        }
        catch (WebSocketException)
        {
        }
        finally
        {
            FailPending(new IOException("The connection closed."));
            _closed.TrySetResult();
        }
    }

    private void Handle(ReadOnlyMemory<byte> record, long receivedAt)
    {
        // Messages are nearly all the traffic: read them with a forward-only reader and no allocations, so
        // the generator stays well below its core at tens of thousands of deliveries per second.
        if (record.Span.StartsWith("{\"type\":1,\"target\":\"message\""u8))
        {
            if (OnMessage is { } onMessage && ReadMessage(record.Span, out var seq, out var text))
            {
                onMessage(seq, text, receivedAt);
            }

            return;
        }

        using var document = JsonDocument.Parse(record);
        var root = document.RootElement;
        if (!root.TryGetProperty("type", out var type))
        {
            return; // the handshake response
        }

        switch (type.GetInt32())
        {
            case 3:
                TaskCompletionSource<JsonElement>? completion;
                lock (_gate)
                {
                    _pending.Remove(root.GetProperty("invocationId").GetString()!, out completion);
                }

                if (root.TryGetProperty("error", out var error))
                {
                    completion?.TrySetException(new InvalidOperationException(error.GetString()));
                }
                else
                {
                    completion?.TrySetResult(root.TryGetProperty("result", out var result) ? result.Clone() : default);
                }

                break;
            case 7:
                AllowReconnect = root.TryGetProperty("allowReconnect", out var allow) && allow.GetBoolean();
                break;
        }
    }

    /// <summary>The seq and text of the ChatMessage in a <c>message</c> invocation.</summary>
    private static bool ReadMessage(ReadOnlySpan<byte> record, out long seq, out ReadOnlySpan<byte> text)
    {
        seq = -1;
        text = default;
        var reader = new Utf8JsonReader(record);
        while (reader.Read())
        {
            if (reader.TokenType != JsonTokenType.PropertyName || reader.CurrentDepth != 3)
            {
                continue; // the ChatMessage's own properties are at depth 3 (record, arguments, message, property)
            }

            if (reader.ValueTextEquals("seq"u8) && reader.Read())
            {
                seq = reader.GetInt64();
            }
            else if (reader.ValueTextEquals("text"u8) && reader.Read())
            {
                text = reader.ValueSpan;
            }
        }

        return seq >= 0;
    }

    private void FailPending(Exception error)
    {
        lock (_gate)
        {
            foreach (var completion in _pending.Values)
            {
                completion.TrySetException(error);
            }

            _pending.Clear();
        }
    }

    public ValueTask DisposeAsync() => _socket.CloseAndDisposeAsync();
}
