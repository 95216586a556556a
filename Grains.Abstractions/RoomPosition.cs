namespace OrleansChat.Grains.Abstractions;

/// <summary>
/// How far a relay has delivered a room: the highest seq of <see cref="Epoch"/> that any of its connections
/// holds. A room that ends below it in the same epoch went back in time (its store lost acknowledged
/// appends) and would give those seqs to other messages; it starts a new epoch instead.
/// </summary>
[GenerateSerializer, Immutable]
public sealed record RoomPosition(
    [property: Id(0)] string Epoch,
    [property: Id(1)] long Seq);
