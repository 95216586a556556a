using OrleansChat.Grains.Abstractions;

namespace OrleansChat.Tests.Grains;

/// <summary>Counts the sends that have reached a room and been taken in (queued for a write or refused).</summary>
public sealed class SendArrivals : IIncomingGrainCallFilter
{
    private readonly Lock _gate = new();
    private readonly List<(int Count, TaskCompletionSource Reached)> _waiters = [];
    private int _count;
    private readonly List<string> _refused = [];

    /// <summary>
    /// Sends counted so far. A send is counted once the room has taken it in, after the write it started may
    /// already have begun, so a test counts from before the send it holds, not from once the write began.
    /// </summary>
    public int Count => Volatile.Read(ref _count);

    /// <summary>Why each send the room refused as it took it in was refused.</summary>
    public IReadOnlyList<string> Refused
    {
        get
        {
            lock (_gate)
            {
                return [.. _refused];
            }
        }
    }

    public Task WaitForAsync(int count)
    {
        lock (_gate)
        {
            if (_count >= count)
            {
                return Task.CompletedTask;
            }

            var reached = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
            _waiters.Add((count, reached));
            return reached.Task;
        }
    }

    public async Task Invoke(IIncomingGrainCallContext context)
    {
        if (context.InterfaceMethod?.Name != nameof(IRoomGrain.SendAsync))
        {
            await context.Invoke();
            return;
        }

        // The room takes a send in synchronously, up to awaiting its write: once Invoke returns, it is queued.
        var invoked = context.Invoke();
        lock (_gate)
        {
            if (invoked.IsFaulted)
            {
                _refused.Add(invoked.Exception!.InnerException!.Message);
            }

            _count++;
            foreach (var waiter in _waiters.Where(w => w.Count <= _count).ToList())
            {
                waiter.Reached.TrySetResult();
                _waiters.Remove(waiter);
            }
        }

        await invoked;
    }
}
