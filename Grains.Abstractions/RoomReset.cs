namespace OrleansChat.Grains.Abstractions;

/// <summary>
/// Tells a connection that its position in a room no longer holds, so it stops waiting for seqs that will
/// not come. <see cref="Skipped"/>: the messages after its position up to <see cref="LastSeq"/> could not
/// be delivered (the room's window moved past them while the stream lost them); delivery goes on after
/// <see cref="LastSeq"/>. <see cref="StartedOver"/>: the room's history started over under
/// <see cref="Epoch"/>; delivery goes on after <see cref="LastSeq"/> of the new epoch, and the client joins
/// again for the history before it (docs/protocol.md).
/// </summary>
[GenerateSerializer, Immutable]
public sealed record RoomReset(
    [property: Id(0)] string Room,
    [property: Id(1)] string Reason,
    [property: Id(2)] long LastSeq,
    [property: Id(3)] string? Epoch)
{
    public const string Skipped = "skipped";
    public const string StartedOver = "epoch";
}
