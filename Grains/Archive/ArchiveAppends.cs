using OrleansChat.Grains.Abstractions;
using OrleansChat.Grains.MessageLog;

namespace OrleansChat.Grains.Archive;

/// <summary>One room's batch waiting to be archived: the room's group commit.</summary>
public sealed record ArchiveAppend(string Room, long ExpectedLastSeq, IReadOnlyList<ChatMessage> Messages)
{
    internal TaskCompletionSource Stored { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);
}

/// <summary>
/// The process's group commit across rooms: every room's batch that arrives while a write is in flight
/// goes into the next write, so the archive costs one statement (one transaction, one WAL flush) per round
/// trip however many rooms are busy, where one per room's batch would be one per message in rooms that send
/// less often than a round trip. A write holds at most one batch per room, so each room's appends stay
/// conditional on its own last seq; <c>write</c> returns the rooms whose claim failed, with their real last seq.
/// </summary>
public sealed class ArchiveAppends(Func<IReadOnlyList<ArchiveAppend>, Task<IReadOnlyDictionary<string, long>>> write)
{
    private readonly Lock _lock = new();
    private readonly List<ArchiveAppend> _queued = [];
    private bool _writing;

    public Task AppendAsync(string room, long expectedLastSeq, IReadOnlyList<ChatMessage> messages)
    {
        var append = new ArchiveAppend(room, expectedLastSeq, messages);
        lock (_lock)
        {
            _queued.Add(append);
            if (_writing)
            {
                return append.Stored.Task;
            }

            _writing = true;
        }

        _ = Task.Run(WriteQueuedAsync);
        return append.Stored.Task;
    }

    private async Task WriteQueuedAsync()
    {
        while (TakeNext() is { } appends)
        {
            try
            {
                var conflicts = await write(appends);
                foreach (var append in appends)
                {
                    if (conflicts.TryGetValue(append.Room, out var actual))
                    {
                        append.Stored.TrySetException(new MessageLogConflictException(append.Room, append.ExpectedLastSeq, actual));
                    }
                    else
                    {
                        append.Stored.TrySetResult();
                    }
                }
            }
            catch (Exception exception)
            {
                foreach (var append in appends)
                {
                    append.Stored.TrySetException(exception);
                }
            }
        }
    }

    /// <summary>Everything queued, but one batch per room (a second one of the same room waits for the next write); null when nothing is.</summary>
    private List<ArchiveAppend>? TakeNext()
    {
        lock (_lock)
        {
            if (_queued.Count == 0)
            {
                _writing = false;
                return null;
            }

            HashSet<string> rooms = new(StringComparer.Ordinal);
            List<ArchiveAppend> next = [], later = [];
            foreach (var append in _queued)
            {
                (rooms.Add(append.Room) ? next : later).Add(append);
            }

            _queued.Clear();
            _queued.AddRange(later);
            return next;
        }
    }
}
