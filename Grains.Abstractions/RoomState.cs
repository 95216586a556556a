namespace OrleansChat.Grains.Abstractions;

/// <summary>
/// What a room keeps in grain storage: its epoch, created with the state, so a client can tell a lost
/// history from the same one. The messages and the last seq live in the room's message log.
/// </summary>
[GenerateSerializer]
public sealed class RoomState
{
    [Id(0)] public string Epoch { get; set; } = "";
}
