namespace OrleansChat.Grains.Abstractions;

/// <summary>
/// What a relay learns when it renews its presence in a room: the room's last seq (to tell whether its
/// stream fell silent), the distinct users present (to repair "joined"/"left" notices the stream lost) and
/// the room's epoch (to tell its connections when the history started over).
/// </summary>
[GenerateSerializer, Immutable]
public sealed record PresenceRenewal(
    [property: Id(0)] long LastSeq,
    [property: Id(1)] IReadOnlyList<string> Members,
    [property: Id(2)] string Epoch);
