using Orleans.Streams;

namespace OrleansChat.Grains.Streams;

/// <summary>
/// A queue receiver that reads when its bell rings instead of on every tick of the pulling agent's timer:
/// the agent's read waits here until the queue has something (or <c>idleRead</c> passes), so an idle queue
/// costs one read per idle period and an event is read as soon as it is queued. A read that came back full
/// is followed by another without waiting; after any other, events queued meanwhile have rung the bell, so
/// a busy queue is read once per ring rather than once more to find it empty.
/// </summary>
internal sealed class DoorbellQueueReceiver(IQueueAdapterReceiver inner, IQueueDoorbell doorbell, QueueId queue, TimeSpan idleRead) : IQueueAdapterReceiver
{
    private readonly CancellationTokenSource _stopping = new();
    private QueueBell? _bell;
    private bool _more;

    public Task Initialize(TimeSpan timeout)
    {
        _bell = doorbell.Hang(queue);
        return inner.Initialize(timeout);
    }

    [Obsolete("Use the overload which accepts a CancellationToken.")]
    public Task<IList<IBatchContainer>> GetQueueMessagesAsync(int maxCount) => GetQueueMessagesAsync(maxCount, CancellationToken.None);

    public async Task<IList<IBatchContainer>> GetQueueMessagesAsync(int maxCount, CancellationToken cancellationToken)
    {
        if (!_more && _bell is not null)
        {
            using var wait = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken, _stopping.Token);
            try
            {
                await _bell.WaitAsync(idleRead, wait.Token);
            }
            catch (OperationCanceledException) when (_stopping.IsCancellationRequested && !cancellationToken.IsCancellationRequested)
            {
                return [];
            }
        }

        var messages = await inner.GetQueueMessagesAsync(maxCount, cancellationToken);
        _more = messages is not null && maxCount > 0 && messages.Count >= maxCount;
        return messages ?? [];
    }

    [Obsolete("Use the overload which accepts a CancellationToken.")]
    public Task MessagesDeliveredAsync(IList<IBatchContainer> messages) => inner.MessagesDeliveredAsync(messages, CancellationToken.None);

    public Task MessagesDeliveredAsync(IList<IBatchContainer> messages, CancellationToken cancellationToken) =>
        inner.MessagesDeliveredAsync(messages, cancellationToken);

    public Task Shutdown(TimeSpan timeout)
    {
        _stopping.Cancel();
        if (_bell is not null)
        {
            doorbell.TakeDown(_bell);
        }

        return inner.Shutdown(timeout);
    }
}
