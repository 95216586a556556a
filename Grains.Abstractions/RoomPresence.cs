namespace OrleansChat.Grains.Abstractions;

/// <summary>
/// Who is in a room, as stored in grain storage: each connection with its user and the relay (process) that
/// holds it. The room's messages and epoch live in its message log, so joining and leaving rewrite only this.
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
