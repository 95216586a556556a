namespace OrleansChat.WebFront.Hubs;

/// <summary>
/// One connection's sends: they reach their rooms one at a time and in the order they came, and only a
/// few may wait behind the one in progress, so a client that sends faster than its messages are stored is
/// told so at once instead of building a queue.
/// </summary>
public sealed class ConnectionSends(int maxWaiting)
{
    private readonly SemaphoreSlim _gate = new(1, 1);
    private int _waiting;

    /// <summary>Enters within <paramref name="timeout"/>; false when too many sends already wait or the wait ran out.</summary>
    public async Task<bool> EnterAsync(TimeSpan timeout)
    {
        if (Interlocked.Increment(ref _waiting) > maxWaiting + 1)
        {
            Interlocked.Decrement(ref _waiting);
            return false;
        }

        if (await _gate.WaitAsync(timeout))
        {
            return true;
        }

        Interlocked.Decrement(ref _waiting);
        return false;
    }

    public void Exit()
    {
        Interlocked.Decrement(ref _waiting);
        _gate.Release();
    }
}
