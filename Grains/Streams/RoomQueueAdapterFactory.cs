using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;
using Orleans.Providers;
using Orleans.Streams;

namespace OrleansChat.Grains.Streams;

/// <summary>
/// The room streams' queues: Orleans' memory stream queues (a queue grain per queue, read by one pulling agent
/// in the cluster), with a doorbell (<see cref="IQueueDoorbell"/>) that wakes the agent when an event is
/// queued instead of a timer that polls the queue grain every few milliseconds whether or not anything came.
/// </summary>
public sealed class RoomQueueAdapterFactory(IQueueAdapterFactory inner, IQueueDoorbell doorbell, TimeSpan idleRead) : IQueueAdapterFactory
{
    public static IQueueAdapterFactory Create(IServiceProvider services, string name) => new RoomQueueAdapterFactory(
        MemoryAdapterFactory<DefaultMemoryMessageBodySerializer>.Create(services, name),
        services.GetRequiredService<IQueueDoorbell>(),
        services.GetRequiredService<IOptions<RoomStreamOptions>>().Value.IdleRead);

    [Obsolete("Use the overload which accepts a CancellationToken.")]
    public Task<IQueueAdapter> CreateAdapter() => CreateAdapter(CancellationToken.None);

    public async Task<IQueueAdapter> CreateAdapter(CancellationToken cancellationToken) =>
        new RingingQueueAdapter(await inner.CreateAdapter(cancellationToken), inner.GetStreamQueueMapper(), doorbell, idleRead);

    public IQueueAdapterCache GetQueueAdapterCache() => inner.GetQueueAdapterCache();

    public IStreamQueueMapper GetStreamQueueMapper() => inner.GetStreamQueueMapper();

    public Task<IStreamFailureHandler> GetDeliveryFailureHandler(QueueId queueId) => inner.GetDeliveryFailureHandler(queueId);
}
