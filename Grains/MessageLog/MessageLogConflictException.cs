namespace OrleansChat.Grains.MessageLog;

/// <summary>An append was refused because the log no longer ends where its writer believed: someone else wrote it.</summary>
public sealed class MessageLogConflictException(string room, long expectedLastSeq, long actualLastSeq)
    : Exception($"The log of room '{room}' ends at seq {actualLastSeq}, not {expectedLastSeq}: another writer appended to it.")
{
    public long ActualLastSeq { get; } = actualLastSeq;
}
