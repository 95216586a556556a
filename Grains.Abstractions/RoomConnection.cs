namespace OrleansChat.Grains.Abstractions;

/// <summary>A connection in a room as the relay that holds it reports it: its id and the user it joined as.</summary>
[GenerateSerializer, Immutable]
public sealed record RoomConnection(
    [property: Id(0)] string ConnectionId,
    [property: Id(1)] string User);
