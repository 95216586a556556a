namespace OrleansChat.Tests.Infrastructure;

/// <summary>
/// Collects what arrives from a server and lets a test wait for a condition on it: the wait ends on the
/// arrival that satisfies it, or fails after a timeout with a message naming what was expected and what
/// arrived.
/// </summary>
public sealed class Inbox<T>
{
    public static readonly TimeSpan DefaultTimeout = TimeSpan.FromSeconds(20);

    private readonly List<T> _items = [];
    private readonly Lock _gate = new();
    private TaskCompletionSource _changed = new(TaskCreationOptions.RunContinuationsAsynchronously);

    public IReadOnlyList<T> Items
    {
        get
        {
            lock (_gate)
            {
                return [.. _items];
            }
        }
    }

    public void Add(T item)
    {
        TaskCompletionSource changed;
        lock (_gate)
        {
            _items.Add(item);
            changed = _changed;
            _changed = new(TaskCreationOptions.RunContinuationsAsynchronously);
        }

        changed.TrySetResult();
    }

    public async Task<IReadOnlyList<T>> WaitUntilAsync(Func<IReadOnlyList<T>, bool> condition, string expectation, TimeSpan? timeout = null)
    {
        var limit = timeout ?? DefaultTimeout;
        var deadline = DateTime.UtcNow + limit;
        while (true)
        {
            Task changed;
            IReadOnlyList<T> snapshot;
            lock (_gate)
            {
                snapshot = [.. _items];
                changed = _changed.Task;
            }

            if (condition(snapshot))
            {
                return snapshot;
            }

            var remaining = deadline - DateTime.UtcNow;
            try
            {
                await changed.WaitAsync(remaining > TimeSpan.Zero ? remaining : TimeSpan.Zero);
            }
            catch (TimeoutException)
            {
                throw new TimeoutException(
                    $"Waited {limit.TotalSeconds:0} s for {expectation}; {snapshot.Count} arrived: {string.Join(" | ", snapshot.TakeLast(20))}");
            }
        }
    }
}
