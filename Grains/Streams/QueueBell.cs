using Orleans.Streams;

namespace OrleansChat.Grains.Streams;

/// <summary>
/// One queue's bell in the process that reads the queue: rings are remembered until the reader next waits,
/// so a ring that comes while the reader is busy reading is not lost.
/// </summary>
public sealed class QueueBell(QueueId queue)
{
    private readonly Lock _lock = new();
    private bool _rung;
    private TaskCompletionSource? _waiter;

    public QueueId Queue { get; } = queue;

    public void Ring()
    {
        TaskCompletionSource? waiter;
        lock (_lock)
        {
            _rung = true;
            (waiter, _waiter) = (_waiter, null);
        }

        waiter?.TrySetResult();
    }

    /// <summary>
    /// Returns true at once when the bell rang since the last wait, else true once it rings, or false after
    /// <paramref name="timeout"/>.
    /// </summary>
    public async Task<bool> WaitAsync(TimeSpan timeout, CancellationToken cancellationToken)
    {
        Task ring;
        lock (_lock)
        {
            if (_rung)
            {
                _rung = false;
                return true;
            }

            ring = (_waiter ??= new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously)).Task;
        }

        try
        {
            await ring.WaitAsync(timeout, cancellationToken);
        }
        catch (TimeoutException)
        {
            return false;
        }

        lock (_lock)
        {
            _rung = false;
        }

        return true;
    }
}
