namespace OrleansChat.Grains.MessageLog;

/// <summary>Epochs name one numbering of a room's messages; a log that starts over starts a new one.</summary>
public static class MessageLogEpoch
{
    public static string New() => Guid.NewGuid().ToString("N");
}
