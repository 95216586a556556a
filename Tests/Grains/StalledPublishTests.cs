using Microsoft.Extensions.DependencyInjection;
using Orleans.Providers;
using Orleans.TestingHost;
using OrleansChat.Grains;
using OrleansChat.Grains.Abstractions;
using OrleansChat.Tests.Infrastructure;

namespace OrleansChat.Tests.Grains;

/// <summary>
/// The stream queue stops answering without failing (its silo hangs with its connections open): a room's
/// acknowledgements must not wait on it, and what it held is published once it answers again.
/// </summary>
public sealed class StalledPublishTests : IAsyncLifetime
{
    private readonly HeldEnqueues _held = new();
    private InProcessTestCluster _cluster = null!;

    public async Task InitializeAsync()
    {
        var builder = new InProcessTestClusterBuilder(1);
        builder.ConfigureSilo((_, silo) =>
        {
            silo.AddMemoryGrainStorage(RoomStorage.Rooms);
            silo.AddMemoryGrainStorage(RoomStorage.PubSub);
            silo.AddRooms(TimeSpan.FromMilliseconds(10));
            silo.AddIncomingGrainCallFilter(_held);
        });
        builder.ConfigureClient(client => client.AddMemoryStreams(RoomStreams.ProviderName));
        _cluster = builder.Build();
        await _cluster.DeployAsync();
    }

    public async Task DisposeAsync()
    {
        _held.Release();
        await Bounded.StopAsync(_cluster.DisposeAsync(), "Stopping the test cluster");
    }

    [Fact]
    public async Task MessagesAreAcknowledgedWhileTheirPublishIsHeldAndReachTheStreamOnceItIsNot()
    {
        var name = Rooms.Fresh("stalled-publish");
        var room = _cluster.Client.GetGrain<IRoomGrain>(name);
        var recorder = await RoomEventRecorder.SubscribeAsync(_cluster.Client, name);
        await room.JoinAsync("relay", "ana-1", "Ana", null); // its "joined" notice goes through before the hold
        await recorder.Events.WaitUntilAsync(events => events.Count == 1, "the joined notice");

        _held.Hold();
        var first = await room.SendAsync("Ana", "first", null, "Ana");
        await _held.Holding;
        var second = await room.SendAsync("Ana", "second", null, "Ana"); // stored while the first one's publish is held
        var third = await room.SendAsync("Ana", "third", null, "Ana");
        var heldMeanwhile = _held.IsHolding;
        _held.Release();
        var published = await recorder.Events.WaitUntilAsync(events => events.Count(e => e.Message is not null) == 3, "the three messages on the stream");

        Assert.True(heldMeanwhile);
        Assert.Equal([1L, 2L, 3L], new[] { first, second, third }.Select(m => m.Seq));
        Assert.Equal([1L, 2L, 3L], published.Where(e => e.Message is not null).Select(e => e.Message!.Seq).Order());
        await recorder.UnsubscribeAsync();
    }

    /// <summary>Holds every enqueue into a memory stream queue while held, as a hung queue silo would.</summary>
    private sealed class HeldEnqueues : IIncomingGrainCallFilter
    {
        private TaskCompletionSource _release = Released();
        private readonly TaskCompletionSource _holding = new(TaskCreationOptions.RunContinuationsAsynchronously);

        /// <summary>Completes when the first enqueue is being held.</summary>
        public Task Holding => _holding.Task;

        public bool IsHolding => !_release.Task.IsCompleted;

        public void Hold() => _release = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);

        public void Release() => _release.TrySetResult();

        public async Task Invoke(IIncomingGrainCallContext context)
        {
            if (context.InterfaceMethod.DeclaringType == typeof(IMemoryStreamQueueGrain) && context.MethodName == nameof(IMemoryStreamQueueGrain.Enqueue) && !_release.Task.IsCompleted)
            {
                _holding.TrySetResult();
                await _release.Task;
            }

            await context.Invoke();
        }

        private static TaskCompletionSource Released()
        {
            var released = new TaskCompletionSource();
            released.SetResult();
            return released;
        }
    }
}
