namespace OrleansChat.Grains.Abstractions;

/// <summary>
/// A message a room has stored. <see cref="Seq"/> is the room's sequence number: 1, 2, 3 … with no gaps,
/// never reused within one <c>epoch</c> of the room. <see cref="Id"/> is the sender's client message id,
/// unique among the room's retained messages.
/// </summary>
[GenerateSerializer, Immutable]
public sealed record ChatMessage(
    [property: Id(0)] string Room,
    [property: Id(1)] long Seq,
    [property: Id(2)] string Id,
    [property: Id(3)] string User,
    [property: Id(4)] string Text,
    [property: Id(5)] DateTimeOffset SentAt);
