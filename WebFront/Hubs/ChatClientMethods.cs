namespace OrleansChat.WebFront.Hubs;

/// <summary>The names of the server-to-client methods of the chat hub (docs/protocol.md).</summary>
public static class ChatClientMethods
{
    /// <summary>Carries a <see cref="OrleansChat.Grains.Abstractions.ChatMessage"/>.</summary>
    public const string Message = "message";

    /// <summary>Carries a <see cref="OrleansChat.Grains.Abstractions.RoomNotification"/>.</summary>
    public const string Notification = "notification";

    /// <summary>Carries a <see cref="OrleansChat.Grains.Abstractions.TypingNotice"/>.</summary>
    public const string Typing = "typing";

    /// <summary>Carries a <see cref="OrleansChat.Grains.Abstractions.RoomReset"/>.</summary>
    public const string Reset = "reset";
}
