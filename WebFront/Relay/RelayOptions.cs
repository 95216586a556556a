using Microsoft.Extensions.Options;

namespace OrleansChat.WebFront.Relay;

/// <summary>Settings of the web front, bound from the configuration section <c>Relay</c>.</summary>
public sealed class RelayOptions
{
    public const string Section = "Relay";

    /// <summary>
    /// How often this process renews its connections' presence in each room (keep it under a third of
    /// <c>Room:PresenceLease</c>) and checks that the room's stream has not fallen silent while the room's
    /// last seq moved on. It bounds how long a dead subscription can hold back a room's messages.
    /// </summary>
    public TimeSpan PresenceRenewalPeriod { get; set; } = TimeSpan.FromSeconds(10);

    /// <summary>
    /// The longest a client connection is kept. Before it, the server asks the client to reconnect (a
    /// close that allows reconnecting), spread over the last tenth of the span so clients do not all come
    /// back at once. Cloud Run ends WebSocket requests at the service's request timeout (at most 60 min).
    /// </summary>
    public TimeSpan MaxConnectionLifetime { get; set; } = TimeSpan.FromMinutes(55);

    /// <summary>
    /// How long a message that arrives ahead of a missing seq waits for it before the missing ones are
    /// fetched from the room. The missing one is usually a stream hop behind; fetching it at once costs a
    /// grain call, and under load the room may have let it go from its history by the time the call returns.
    /// </summary>
    public TimeSpan GapWait { get; set; } = TimeSpan.FromMilliseconds(50);
}

public sealed class RelayOptionsValidator : IValidateOptions<RelayOptions>
{
    public ValidateOptionsResult Validate(string? name, RelayOptions options)
    {
        List<string> errors = [];
        if (options.PresenceRenewalPeriod < TimeSpan.FromMilliseconds(100))
            errors.Add($"{RelayOptions.Section}:{nameof(RelayOptions.PresenceRenewalPeriod)} must be at least 00:00:00.1, not {options.PresenceRenewalPeriod}.");
        if (options.GapWait <= TimeSpan.Zero || options.GapWait > TimeSpan.FromSeconds(5))
            errors.Add($"{RelayOptions.Section}:{nameof(RelayOptions.GapWait)} must be above 0 and at most 00:00:05, not {options.GapWait}.");
        if (options.MaxConnectionLifetime < TimeSpan.FromSeconds(1))
            errors.Add($"{RelayOptions.Section}:{nameof(RelayOptions.MaxConnectionLifetime)} must be at least 00:00:01, not {options.MaxConnectionLifetime}.");
        return errors.Count > 0 ? ValidateOptionsResult.Fail(errors) : ValidateOptionsResult.Success;
    }
}
