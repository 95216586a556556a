using Orleans.Runtime;
using Orleans.Streams;

namespace OrleansChat.Grains.Streams;

/// <summary>Queues events as the memory stream provider does, then rings the queue's doorbell so its reader reads them now.</summary>
internal sealed class RingingQueueAdapter(IQueueAdapter inner, IStreamQueueMapper queues, IQueueDoorbell doorbell, TimeSpan idleRead) : IQueueAdapter
{
    public string Name => inner.Name;

    public bool IsRewindable => inner.IsRewindable;

    public StreamProviderDirection Direction => inner.Direction;

    public async Task QueueMessageBatchAsync<T>(StreamId streamId, IEnumerable<T> events, StreamSequenceToken? token, Dictionary<string, object>? requestContext)
    {
        await inner.QueueMessageBatchAsync(streamId, events, token, requestContext);
        doorbell.Ring(queues.GetQueueForStream(streamId));
    }

    public IQueueAdapterReceiver CreateReceiver(QueueId queueId) =>
        new DoorbellQueueReceiver(inner.CreateReceiver(queueId), doorbell, queueId, idleRead);
}
