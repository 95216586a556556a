using OrleansChat.Grains.Abstractions;

namespace OrleansChat.Grains.MessageLog;

/// <summary>The end of a room's log: its last seq and its newest messages, ascending.</summary>
public sealed record MessageLogTail(long LastSeq, IReadOnlyList<ChatMessage> Messages);
