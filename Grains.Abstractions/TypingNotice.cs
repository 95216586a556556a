namespace OrleansChat.Grains.Abstractions;

/// <summary>
/// Someone is typing in a room. Ephemeral: neither stored nor numbered, delivered at most once to the
/// connections in the room at the time; clients show it for a few seconds.
/// </summary>
[GenerateSerializer, Immutable]
public sealed record TypingNotice(
    [property: Id(0)] string Room,
    [property: Id(1)] string User);
