using Microsoft.AspNetCore.Http.Connections;
using Microsoft.AspNetCore.SignalR.Client;
using OrleansChat.Grains.Abstractions;

namespace OrleansChat.Tests.Infrastructure;

/// <summary>A real SignalR client, connected the way the page connects (WebSockets, no negotiation).</summary>
public sealed class ChatTestClient : IAsyncDisposable
{
    private ChatTestClient(HubConnection connection)
    {
        Connection = connection;
        connection.On<ChatMessage>("message", Messages.Add);
        connection.On<RoomNotification>("notification", Notifications.Add);
        connection.On<TypingNotice>("typing", Typing.Add);
        connection.On<RoomReset>("reset", Resets.Add);
        connection.Reconnecting += error => { Lifecycle.Add("reconnecting"); return Task.CompletedTask; };
        connection.Reconnected += connectionId => { Lifecycle.Add("reconnected"); return Task.CompletedTask; };
        connection.Closed += error => { Lifecycle.Add("closed"); return Task.CompletedTask; };
    }

    public HubConnection Connection { get; }

    public Inbox<ChatMessage> Messages { get; } = new();

    public Inbox<RoomNotification> Notifications { get; } = new();

    public Inbox<TypingNotice> Typing { get; } = new();

    public Inbox<RoomReset> Resets { get; } = new();

    /// <summary>"reconnecting", "reconnected" and "closed", as the connection reports them.</summary>
    public Inbox<string> Lifecycle { get; } = new();

    /// <param name="server">The server's base address.</param>
    /// <param name="reconnect">Whether the connection reconnects by itself when the server allows it.</param>
    /// <param name="forwardedFor">The client address a load balancer would report, for a server that trusts it (<c>Limits:TrustForwardedFor</c>).</param>
    public static async Task<ChatTestClient> ConnectAsync(Uri server, bool reconnect = false, string? forwardedFor = null)
    {
        var builder = new HubConnectionBuilder()
            .WithUrl(new Uri(server, "/hubs/chat"), options =>
            {
                options.SkipNegotiation = true;
                options.Transports = HttpTransportType.WebSockets;
                if (forwardedFor is not null)
                {
                    options.Headers["X-Forwarded-For"] = forwardedFor;
                }
            });
        var connection = (reconnect ? builder.WithAutomaticReconnect() : builder).Build();
        var client = new ChatTestClient(connection);
        await connection.StartAsync();
        return client;
    }

    /// <summary>
    /// How long a hub call may go unanswered before the test fails: far past any answer the server gives under
    /// test, so only a call the server never answers meets it, as a failure naming the call instead of a
    /// test run that hangs.
    /// </summary>
    public static readonly TimeSpan AnswerLimit = TimeSpan.FromSeconds(60);

    public Task<JoinResult> JoinAsync(string room, string user, long? since = null) =>
        InvokeAsync<JoinResult>("Join", room, user, since);

    public Task<ChatMessage> SendAsync(string room, string text, string? clientMessageId = null) =>
        InvokeAsync<ChatMessage>("Send", room, text, clientMessageId);

    public Task LeaveAsync(string room) => InvokeAsync<object?>("Leave", room);

    public Task<List<ChatMessage>> HistoryAsync(string room, long beforeSeq, int limit) =>
        InvokeAsync<List<ChatMessage>>("History", room, beforeSeq, limit);

    /// <summary>
    /// Sends, and sends again with the same id while the answer is a <c>busy:</c> refusal, as the page does:
    /// for the first sends after a store came back, which may meet connections broken while it was away.
    /// </summary>
    public async Task<ChatMessage> SendRetryingWhileBusyAsync(string room, string text, string clientMessageId)
    {
        for (var attempt = 1; ; attempt++)
        {
            try
            {
                return await SendAsync(room, text, clientMessageId);
            }
            catch (Microsoft.AspNetCore.SignalR.HubException busy) when (busy.Message.Contains("busy:") && attempt < 20)
            {
            }
        }
    }

    public Task<List<ChatMessage>> SearchAsync(string room, string query, long? beforeSeq = null, int limit = 100) =>
        InvokeAsync<List<ChatMessage>>("Search", room, query, beforeSeq, limit);

    /// <summary>Waits until live messages of <paramref name="room"/> up to <paramref name="seq"/> have arrived.</summary>
    public Task<IReadOnlyList<ChatMessage>> WaitForSeqAsync(string room, long seq) =>
        Messages.WaitUntilAsync(messages => messages.Any(m => m.Room == room && m.Seq >= seq), $"message seq {seq} in room '{room}'");

    public ValueTask DisposeAsync() => Connection.DisposeAsync();

    private async Task<T> InvokeAsync<T>(string method, params object?[] arguments)
    {
        using var limit = new CancellationTokenSource(AnswerLimit);
        try
        {
            return (T)(await Connection.InvokeCoreAsync(method, typeof(T), arguments, limit.Token))!;
        }
        catch (OperationCanceledException) when (limit.IsCancellationRequested)
        {
            throw new TimeoutException($"The server did not answer {method}({string.Join(", ", arguments)}) within {AnswerLimit.TotalSeconds:0} s.");
        }
    }
}
