namespace OrleansChat.Grains.Abstractions;

/// <summary>
/// What a joining connection learns about a room: its <see cref="Epoch"/>, the retained messages it asked
/// for (ascending by seq), the room's <see cref="LastSeq"/> at that moment and the distinct users present.
/// <see cref="Opened"/>: the room had nobody in it and no messages, so this join opened it.
/// </summary>
[GenerateSerializer, Immutable]
public sealed record JoinResult(
    [property: Id(0)] string Room,
    [property: Id(1)] string User,
    [property: Id(2)] string Epoch,
    [property: Id(3)] IReadOnlyList<ChatMessage> Messages,
    [property: Id(4)] long LastSeq,
    [property: Id(5)] IReadOnlyList<string> Members,
    [property: Id(6)] bool Opened = false);
