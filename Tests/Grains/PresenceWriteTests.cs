using Microsoft.Extensions.DependencyInjection;
using Orleans.Serialization;
using Orleans.Storage;
using Orleans.TestingHost;
using OrleansChat.Grains;
using OrleansChat.Grains.Abstractions;
using OrleansChat.Tests.Infrastructure;

namespace OrleansChat.Tests.Grains;

/// <summary>A room stores its presence without making joins wait for it, one write covering every change before it.</summary>
public sealed class PresenceWriteTests : IAsyncLifetime
{
    private InProcessTestCluster _cluster = null!;
    private CountingGrainStorage _storage = null!;

    public async Task InitializeAsync()
    {
        var builder = new InProcessTestClusterBuilder(initialSilosCount: 1);
        builder.ConfigureSilo((_, silo) =>
        {
            silo.Services.AddKeyedSingleton<IGrainStorage>(RoomStorage.Rooms, (services, _) =>
                _storage = new CountingGrainStorage(services.GetRequiredService<DeepCopier>()));
            silo.AddMemoryGrainStorage(RoomStorage.PubSub);
            silo.AddRooms(TimeSpan.FromMilliseconds(10));
        });
        builder.ConfigureClient(client => client.AddMemoryStreams(RoomStreams.ProviderName));
        _cluster = builder.Build();
        await _cluster.DeployAsync();
    }

    public Task DisposeAsync() => Bounded.StopAsync(_cluster.DisposeAsync(), "Stopping the test cluster");

    [Fact]
    public async Task ARejoinStormIsAtMostTwoPresenceWritesAndTheStoredPresenceHoldsEveryone()
    {
        const int members = 300;
        var room = _cluster.Client.GetGrain<IRoomGrain>("rejoin-storm");
        await room.GetHistoryAsync(beforeSeq: 1, limit: 1); // activates the room, and with it the storage
        _storage.HoldNextPresenceWrite();

        // The first presence write is held: every join still completes, because none waits for a write.
        await Task.WhenAll(Enumerable.Range(0, members).Select(i => room.JoinAsync("relay", $"connection-{i}", $"user {i}", sinceSeq: 0)));
        _storage.Release();
        await _cluster.DeactivateAsync(room); // a deactivating room finishes its presence writes
        var rejoined = await room.JoinAsync("relay", "connection-0", "user 0", sinceSeq: 0);

        // The held write, and at most one more for the joins it did not cover.
        Assert.InRange(_storage.PresenceWrites, 1, 2);
        Assert.Equal(members, rejoined.Members.Count);
    }
}
