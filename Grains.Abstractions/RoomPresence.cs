namespace OrleansChat.Grains.Abstractions;

/// <summary>
/// Who is in a room, as stored: each connection with its user and the relay (process) that holds it. Kept
/// apart from <see cref="RoomState"/> so that joining and leaving rewrite this small record, not the history.
/// A room reactivated elsewhere reloads it, so its member list stays whole, and the connections of relays
/// that died with the old activation still leave, with a notice, when their lease runs out.
/// </summary>
[GenerateSerializer]
public sealed class RoomPresence
{
    [Id(0)] public List<PresenceEntry> Connections { get; set; } = [];
}

[GenerateSerializer, Immutable]
public sealed record PresenceEntry(
    [property: Id(0)] string ConnectionId,
    [property: Id(1)] string User,
    [property: Id(2)] string RelayId);
