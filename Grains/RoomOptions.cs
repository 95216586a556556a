using Microsoft.Extensions.Options;
using OrleansChat.Grains.Abstractions;

namespace OrleansChat.Grains;

/// <summary>Room settings, bound from the configuration section <c>Room</c>.</summary>
public sealed class RoomOptions
{
    public const string Section = "Room";

    /// <summary>How many recent messages a room retains for history, resume and retry detection.</summary>
    public int HistoryLimit { get; set; } = 100;

    /// <summary>
    /// How long a relay's connections count as present without a renewal. Relays renew every
    /// <c>Relay:PresenceRenewalPeriod</c> (10 s), so this allows two missed renewals.
    /// </summary>
    public TimeSpan PresenceLease { get; set; } = TimeSpan.FromSeconds(30);

    /// <summary>
    /// How long a user whose last connection went away may take to come back before the room announces
    /// that they left (a reconnect after a connection recycle or a deploy announces nothing).
    /// </summary>
    public TimeSpan LeaveGrace { get; set; } = TimeSpan.FromSeconds(15);

    /// <summary>How often an active room drops the connections of relays whose lease ran out.</summary>
    public TimeSpan PresenceSweepPeriod { get; set; } = TimeSpan.FromSeconds(5);

    /// <summary>
    /// How long a room recognizes a retried <c>clientMessageId</c> (and answers with the stored original),
    /// independent of <see cref="HistoryLimit"/>, while it stays active: a client reconnecting after a long
    /// backoff into a busy room must not store its message twice.
    /// </summary>
    public TimeSpan RetryWindow { get; set; } = TimeSpan.FromMinutes(10);

    /// <summary>At most this many recent ids per room are kept for <see cref="RetryWindow"/> (the oldest go first).</summary>
    public int MaxRetryIds { get; set; } = 20_000;

    /// <summary>
    /// How many accepted messages may wait for the room's next append; past it a send is refused as busy.
    /// One append's round trip is a few milliseconds, so this is far above what a healthy store lets queue.
    /// </summary>
    public int MaxQueuedMessages { get; set; } = 1_000;

    /// <summary>
    /// How many rooms one silo keeps active at once. Past it, joining a room that has nobody in it and no
    /// messages (creating one) is refused with a <c>rooms:</c> error; rooms in use stay reachable.
    /// </summary>
    public int MaxActiveRooms { get; set; } = 50_000;

    /// <summary>
    /// How many rooms the whole cluster keeps active at once; past it, opening a room is refused with a
    /// <c>rooms:</c> error on every silo. Silos learn each other's counts every <see cref="CensusPeriod"/>, so the
    /// cluster may pass it by the rooms that other silos opened within one period.
    /// </summary>
    public int MaxClusterRooms { get; set; } = 200_000;

    /// <summary>How often each silo reports its active rooms to the cluster's census and learns the total.</summary>
    public TimeSpan CensusPeriod { get; set; } = TimeSpan.FromSeconds(5);

    /// <summary>How many messages a room accepts from all its members together (docs/limits.md).</summary>
    public RateLimit Messages { get; set; } = RateLimit.Of(burst: 100, refill: 50);
}

public sealed class RoomOptionsValidator : IValidateOptions<RoomOptions>
{
    public ValidateOptionsResult Validate(string? name, RoomOptions options)
    {
        List<string> errors = [];
        if (options.HistoryLimit is < 1 or > 10_000)
            errors.Add($"{RoomOptions.Section}:{nameof(RoomOptions.HistoryLimit)} must be 1 to 10000, not {options.HistoryLimit}.");
        if (options.RetryWindow < TimeSpan.Zero)
            errors.Add($"{RoomOptions.Section}:{nameof(RoomOptions.RetryWindow)} must not be negative, not {options.RetryWindow}.");
        if (options.MaxRetryIds < options.HistoryLimit)
            errors.Add($"{RoomOptions.Section}:{nameof(RoomOptions.MaxRetryIds)} must be at least {nameof(RoomOptions.HistoryLimit)} ({options.HistoryLimit}), not {options.MaxRetryIds}.");
        if (options.MaxQueuedMessages is < 1 or > 100_000)
            errors.Add($"{RoomOptions.Section}:{nameof(RoomOptions.MaxQueuedMessages)} must be 1 to 100000, not {options.MaxQueuedMessages}.");
        if (options.PresenceLease < TimeSpan.FromSeconds(1))
            errors.Add($"{RoomOptions.Section}:{nameof(RoomOptions.PresenceLease)} must be at least 00:00:01, not {options.PresenceLease}.");
        if (options.LeaveGrace < TimeSpan.Zero)
            errors.Add($"{RoomOptions.Section}:{nameof(RoomOptions.LeaveGrace)} must not be negative, not {options.LeaveGrace}.");
        if (options.PresenceSweepPeriod < TimeSpan.FromMilliseconds(100))
            errors.Add($"{RoomOptions.Section}:{nameof(RoomOptions.PresenceSweepPeriod)} must be at least 00:00:00.1, not {options.PresenceSweepPeriod}.");
        if (options.MaxActiveRooms < 1)
            errors.Add($"{RoomOptions.Section}:{nameof(RoomOptions.MaxActiveRooms)} must be at least 1, not {options.MaxActiveRooms}.");
        if (options.MaxClusterRooms < 1)
            errors.Add($"{RoomOptions.Section}:{nameof(RoomOptions.MaxClusterRooms)} must be at least 1, not {options.MaxClusterRooms}.");
        if (options.CensusPeriod < TimeSpan.FromMilliseconds(100))
            errors.Add($"{RoomOptions.Section}:{nameof(RoomOptions.CensusPeriod)} must be at least 00:00:00.1, not {options.CensusPeriod}.");
        errors.AddRange(options.Messages.Check($"{RoomOptions.Section}:{nameof(RoomOptions.Messages)}"));
        return errors.Count > 0 ? ValidateOptionsResult.Fail(errors) : ValidateOptionsResult.Success;
    }
}
