namespace OrleansChat.Grains.Abstractions;

/// <summary>
/// What a room keeps in grain storage: its epoch (created with the state, so a client can tell a lost
/// history from the same one), the last sequence number it gave out and its recent messages, ascending.
/// </summary>
[GenerateSerializer]
public sealed class RoomState
{
    [Id(0)] public string Epoch { get; set; } = "";

    [Id(1)] public long LastSeq { get; set; }

    [Id(2)] public List<ChatMessage> History { get; set; } = [];
}
