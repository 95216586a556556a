using Microsoft.Extensions.Options;
using OrleansChat.Grains.Abstractions;

namespace OrleansChat.WebFront.Security;

/// <summary>
/// What one client may do, bound from the configuration section <c>Limits</c>; docs/limits.md lists each
/// limit with the error a client gets when it hits it. (The per-room message rate is <c>Room:Messages</c>.)
/// </summary>
public sealed class LimitsOptions
{
    public const string Section = "Limits";

    /// <summary>Messages one connection may send.</summary>
    public RateLimit MessagesPerConnection { get; set; } = RateLimit.Of(burst: 10, refill: 5);

    /// <summary>Searches one connection may make: each is a query on the archive, far dearer than a send.</summary>
    public RateLimit SearchesPerConnection { get; set; } = RateLimit.Of(burst: 5, refill: 1);

    /// <summary>Joins one connection may make (a rejoin and a rename count too): the page rejoins all its rooms on a reconnect.</summary>
    public RateLimit JoinsPerConnection { get; set; } = RateLimit.Of(burst: 20, refill: 2);

    /// <summary>Leaves one connection may make.</summary>
    public RateLimit LeavesPerConnection { get; set; } = RateLimit.Of(burst: 20, refill: 2);

    /// <summary>History pages one connection may read.</summary>
    public RateLimit HistoryPerConnection { get; set; } = RateLimit.Of(burst: 20, refill: 5);

    /// <summary>Typing notices one connection may send; the page sends one every 3 s while its user types.</summary>
    public RateLimit TypingPerConnection { get; set; } = RateLimit.Of(burst: 3, refill: 1);

    /// <summary>Rooms one connection may be in at once.</summary>
    public int RoomsPerConnection { get; set; } = 20;

    /// <summary>How many rooms the connections of one client address may open per instance (<see cref="RoomOpenings"/>).</summary>
    public RateLimit NewRoomsPerAddress { get; set; } = new() { Burst = 20, Refill = 10, RefillPeriod = TimeSpan.FromMinutes(1) };

    /// <summary>Hub connections open at once from one client address.</summary>
    public int ConnectionsPerAddress { get; set; } = 50;

    /// <summary>New hub connections from one client address.</summary>
    public RateLimit NewConnectionsPerAddress { get; set; } = RateLimit.Of(burst: 20, refill: 5);

    /// <summary>
    /// Messages written to a connection that its client has not read yet (beyond what the socket buffers
    /// hold) before the connection is dropped: a client that stops reading costs bounded memory and slows
    /// no one.
    /// </summary>
    public int MaxPendingMessagesPerConnection { get; set; } = 256;

    /// <summary>Messages this process may have waiting for their room to store them; past it sends are refused as busy.</summary>
    public int MaxSendsInFlight { get; set; } = 2_000;

    /// <summary>
    /// Writes to this process's clients the relay may hold (each waiting event counts once per member here);
    /// past it sends are refused as busy, so an overloaded process sheds new work instead of falling further
    /// behind. 50,000 is about a second of work for one core.
    /// </summary>
    public int MaxRelayBacklog { get; set; } = 50_000;

    /// <summary>
    /// Hub calls of one connection that may run at once. More than one, so that a send waiting behind the
    /// connection's earlier ones is within reach of <see cref="SendTimeout"/> instead of queued unseen in the
    /// socket; a connection's sends still reach their rooms one at a time and in order.
    /// </summary>
    public int ParallelInvocationsPerConnection { get; set; } = 8;

    /// <summary>Sends of one connection that may wait behind the one being stored; more are refused as busy at once.</summary>
    public int MaxWaitingSendsPerConnection { get; set; } = 4;

    /// <summary>How long a send may wait (behind the connection's earlier sends, then for its room) before it is answered with a "busy" refusal.</summary>
    public TimeSpan SendTimeout { get; set; } = TimeSpan.FromSeconds(2);

    /// <summary>The largest frame a client may send, in bytes; a larger one closes that connection.</summary>
    public int MaximumReceiveMessageSize { get; set; } = 32 * 1024;

    /// <summary>
    /// Origins (scheme://host[:port]) whose pages may open hub connections, besides the service's own.
    /// Browsers always send Origin on a WebSocket handshake; requests without one (non-browser clients)
    /// are not cross-site and pass.
    /// </summary>
    public string[] AllowedOrigins { get; set; } = [];

    /// <summary>
    /// Take the client address from the last X-Forwarded-For entry, as appended by the load balancer in
    /// front (Cloud Run's is). Only behind such a proxy: elsewhere clients could pick their address.
    /// </summary>
    public bool TrustForwardedFor { get; set; }
}

public sealed class LimitsOptionsValidator : IValidateOptions<LimitsOptions>
{
    public ValidateOptionsResult Validate(string? name, LimitsOptions options)
    {
        List<string> errors = [];
        errors.AddRange(options.MessagesPerConnection.Check($"{LimitsOptions.Section}:{nameof(LimitsOptions.MessagesPerConnection)}"));
        errors.AddRange(options.SearchesPerConnection.Check($"{LimitsOptions.Section}:{nameof(LimitsOptions.SearchesPerConnection)}"));
        errors.AddRange(options.JoinsPerConnection.Check($"{LimitsOptions.Section}:{nameof(LimitsOptions.JoinsPerConnection)}"));
        errors.AddRange(options.LeavesPerConnection.Check($"{LimitsOptions.Section}:{nameof(LimitsOptions.LeavesPerConnection)}"));
        errors.AddRange(options.HistoryPerConnection.Check($"{LimitsOptions.Section}:{nameof(LimitsOptions.HistoryPerConnection)}"));
        errors.AddRange(options.TypingPerConnection.Check($"{LimitsOptions.Section}:{nameof(LimitsOptions.TypingPerConnection)}"));
        errors.AddRange(options.NewConnectionsPerAddress.Check($"{LimitsOptions.Section}:{nameof(LimitsOptions.NewConnectionsPerAddress)}"));
        errors.AddRange(options.NewRoomsPerAddress.Check($"{LimitsOptions.Section}:{nameof(LimitsOptions.NewRoomsPerAddress)}"));
        if (options.RoomsPerConnection < 1)
            errors.Add($"{LimitsOptions.Section}:{nameof(LimitsOptions.RoomsPerConnection)} must be at least 1, not {options.RoomsPerConnection}.");
        if (options.ConnectionsPerAddress < 1)
            errors.Add($"{LimitsOptions.Section}:{nameof(LimitsOptions.ConnectionsPerAddress)} must be at least 1, not {options.ConnectionsPerAddress}.");
        if (options.MaxPendingMessagesPerConnection < 1)
            errors.Add($"{LimitsOptions.Section}:{nameof(LimitsOptions.MaxPendingMessagesPerConnection)} must be at least 1, not {options.MaxPendingMessagesPerConnection}.");
        if (options.MaxSendsInFlight < 1)
            errors.Add($"{LimitsOptions.Section}:{nameof(LimitsOptions.MaxSendsInFlight)} must be at least 1, not {options.MaxSendsInFlight}.");
        if (options.MaxRelayBacklog < 1)
            errors.Add($"{LimitsOptions.Section}:{nameof(LimitsOptions.MaxRelayBacklog)} must be at least 1, not {options.MaxRelayBacklog}.");
        if (options.MaxWaitingSendsPerConnection is < 0 or > 64)
            errors.Add($"{LimitsOptions.Section}:{nameof(LimitsOptions.MaxWaitingSendsPerConnection)} must be 0 to 64, not {options.MaxWaitingSendsPerConnection}.");
        if (options.ParallelInvocationsPerConnection is < 1 or > 64)
            errors.Add($"{LimitsOptions.Section}:{nameof(LimitsOptions.ParallelInvocationsPerConnection)} must be 1 to 64, not {options.ParallelInvocationsPerConnection}.");
        if (options.SendTimeout < TimeSpan.FromMilliseconds(100))
            errors.Add($"{LimitsOptions.Section}:{nameof(LimitsOptions.SendTimeout)} must be at least 00:00:00.1, not {options.SendTimeout}.");
        if (options.MaximumReceiveMessageSize < 4096)
            errors.Add($"{LimitsOptions.Section}:{nameof(LimitsOptions.MaximumReceiveMessageSize)} must be at least 4096, not {options.MaximumReceiveMessageSize}.");
        foreach (var origin in options.AllowedOrigins.Where(o => !Uri.TryCreate(o, UriKind.Absolute, out var uri) || uri.AbsolutePath != "/"))
            errors.Add($"{LimitsOptions.Section}:{nameof(LimitsOptions.AllowedOrigins)} entries must be scheme://host[:port], not '{origin}'.");
        return errors.Count > 0 ? ValidateOptionsResult.Fail(errors) : ValidateOptionsResult.Success;
    }
}
