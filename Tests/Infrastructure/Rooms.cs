namespace OrleansChat.Tests.Infrastructure;

public static class Rooms
{
    /// <summary>A room name no other test uses.</summary>
    public static string Fresh(string purpose) => $"{purpose}-{Guid.NewGuid():N}"[..Math.Min(64, purpose.Length + 33)];
}
