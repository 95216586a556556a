namespace OrleansChat.Grains.Abstractions;

/// <summary>
/// One item of a room's stream: exactly one of <see cref="Message"/>, <see cref="Notification"/> and
/// <see cref="Typing"/> is set.
/// </summary>
[GenerateSerializer, Immutable]
public sealed record RoomEvent(
    [property: Id(0)] ChatMessage? Message,
    [property: Id(1)] RoomNotification? Notification,
    [property: Id(2)] TypingNotice? Typing = null)
{
    public static RoomEvent Of(ChatMessage message) => new(message, null);

    public static RoomEvent Of(RoomNotification notification) => new(null, notification);

    public static RoomEvent Of(TypingNotice typing) => new(null, null, typing);
}
