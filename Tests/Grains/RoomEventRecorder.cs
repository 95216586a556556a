using Orleans.Streams;
using OrleansChat.Grains.Abstractions;
using OrleansChat.Tests.Infrastructure;

namespace OrleansChat.Tests.Grains;

/// <summary>Subscribes to a room's stream and records what it publishes.</summary>
public sealed class RoomEventRecorder : IAsyncObserver<RoomEvent>
{
    private StreamSubscriptionHandle<RoomEvent>? _subscription;

    public Inbox<RoomEvent> Events { get; } = new();

    public static async Task<RoomEventRecorder> SubscribeAsync(IClusterClient client, string room)
    {
        var recorder = new RoomEventRecorder();
        var stream = client.GetStreamProvider(RoomStreams.ProviderName).GetStream<RoomEvent>(RoomStreams.For(room));
        recorder._subscription = await stream.SubscribeAsync(recorder);
        return recorder;
    }

    public Task UnsubscribeAsync() => _subscription?.UnsubscribeAsync() ?? Task.CompletedTask;

    public Task OnNextAsync(RoomEvent item, StreamSequenceToken? token = null)
    {
        Events.Add(item);
        return Task.CompletedTask;
    }

    public Task OnCompletedAsync() => Task.CompletedTask;

    public Task OnErrorAsync(Exception ex) => Task.CompletedTask;
}
