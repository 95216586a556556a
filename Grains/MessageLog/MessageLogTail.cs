using OrleansChat.Grains.Abstractions;

namespace OrleansChat.Grains.MessageLog;

/// <summary>The end of a room's log: the epoch of its numbering, its last seq and its newest messages, ascending.</summary>
public sealed record MessageLogTail(string Epoch, long LastSeq, IReadOnlyList<ChatMessage> Messages);
