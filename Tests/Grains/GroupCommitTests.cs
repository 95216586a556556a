using Microsoft.Extensions.DependencyInjection;
using Orleans.TestingHost;
using OrleansChat.Grains;
using OrleansChat.Grains.Abstractions;
using OrleansChat.Grains.MessageLog;
using OrleansChat.Tests.Infrastructure;

namespace OrleansChat.Tests.Grains;

/// <summary>
/// A room appends to its log once per storage round trip: messages that arrive while an append is in flight
/// are stored together by the next one, and each is acknowledged only once the append holding it landed.
/// </summary>
public sealed class GroupCommitTests : IAsyncLifetime
{
    private const int MaxQueued = 8;
    private InProcessTestCluster _cluster = null!;
    private readonly GatedMessageLog _storage = new();
    private readonly SendArrivals _arrivals = new();

    public async Task InitializeAsync()
    {
        // One silo, so the room always comes back to the storage the test holds.
        var builder = new InProcessTestClusterBuilder(initialSilosCount: 1);
        builder.ConfigureSilo((_, silo) =>
        {
            silo.Services.AddSingleton<IMessageLog>(_storage);
            silo.AddMemoryGrainStorage(RoomStorage.Rooms);
            silo.AddMemoryGrainStorage(RoomStorage.PubSub);
            silo.AddIncomingGrainCallFilter(_arrivals);
            silo.AddRooms(TimeSpan.FromMilliseconds(10));
            silo.Services.Configure<RoomOptions>(options => options.MaxQueuedMessages = MaxQueued);
        });
        builder.ConfigureClient(client => client.AddMemoryStreams(RoomStreams.ProviderName));
        _cluster = builder.Build();
        await _cluster.DeployAsync();
    }

    public Task DisposeAsync() => Bounded.StopAsync(_cluster.DisposeAsync(), "Stopping the test cluster");

    [Fact]
    public async Task MessagesSentDuringAnAppendAreStoredByOneMoreAppendAndAcknowledgedOnlyThen()
    {
        var room = _cluster.Client.GetGrain<IRoomGrain>("group-commit");
        await room.SendAsync("ada", "before", null, "ada");
        var arrived = _arrivals.Count;
        var held = _storage.HoldNextAppend();
        var writesBefore = _storage.Appends;

        var first = room.SendAsync("ada", "first", null, "ada");
        await held;
        var queued = Enumerable.Range(1, 4).Select(i => room.SendAsync("bo", $"queued {i}", null, "bo")).ToList();
        await _arrivals.WaitForAsync(arrived + 1 + 4);
        var visible = await room.GetMessagesAfterAsync(0, 50);

        Assert.Equal(["before"], visible.Select(m => m.Text));
        Assert.False(first.IsCompleted || queued.Any(q => q.IsCompleted), "a message was acknowledged before it was stored");
        _storage.Release(succeed: true);
        var stored = await Task.WhenAll([first, .. queued]);

        Assert.Equal(2, stored[0].Seq);
        Assert.Equal([3L, 4, 5, 6], stored[1..].Select(m => m.Seq).Order());
        Assert.Equal(2, _storage.Appends - writesBefore);
        Assert.Equal([1L, 2, 3, 4, 5, 6], (await room.GetMessagesAfterAsync(0, 50)).Select(m => m.Seq));
    }

    [Fact]
    public async Task AFailedAppendRefusesItsMessagesAndThoseQueuedBehindItAndKeepsNone()
    {
        var room = _cluster.Client.GetGrain<IRoomGrain>("group-commit-failure");
        await room.SendAsync("ada", "kept", null, "ada");
        var arrived = _arrivals.Count;
        var held = _storage.HoldNextAppend();

        var failing = room.SendAsync("ada", "lost with the write", null, "ada");
        await held;
        var queued = room.SendAsync("bo", "queued behind it", "retry-me", "bo");
        await _arrivals.WaitForAsync(arrived + 1 + 1);
        _storage.Release(succeed: false);

        await Assert.ThrowsAnyAsync<Exception>(() => failing);
        await Assert.ThrowsAnyAsync<Exception>(() => queued);
        var retried = await room.SendAsync("bo", "queued behind it", "retry-me", "bo");
        var history = await room.GetMessagesAfterAsync(0, 50);
        Assert.Equal(["1 kept", "2 queued behind it"], history.Select(m => $"{m.Seq} {m.Text}"));
        Assert.Equal(2, retried.Seq);
    }

    [Fact]
    public async Task WhileAnAppendHangsARoomQueuesAtMostItsBoundAndRefusesTheRestAsBusyAtOnce()
    {
        var room = _cluster.Client.GetGrain<IRoomGrain>("group-commit-bound");
        var arrived = _arrivals.Count;
        var held = _storage.HoldNextAppend();
        var inFlight = room.SendAsync("ada", "in the held append", null, "ada");
        await held;
        var queued = Enumerable.Range(1, MaxQueued).Select(i => room.SendAsync("bo", $"queued {i}", null, "bo")).ToList();
        await _arrivals.WaitForAsync(arrived + 1 + MaxQueued);
        Assert.Empty(_arrivals.Refused); // all of them queued, so the room is at its bound

        var refused = await Assert.ThrowsAsync<ChatRuleException>(() => room.SendAsync("cy", "one too many", "cy-1", "cy"));
        _storage.Release(succeed: true);
        var stored = await Task.WhenAll([inFlight, .. queued]);
        var retried = await room.SendAsync("cy", "one too many", "cy-1", "cy");

        Assert.StartsWith("busy: room 'group-commit-bound' has 8 messages waiting to be stored", refused.Message);
        Assert.Equal(Enumerable.Range(1, MaxQueued + 1).Select(i => (long)i), stored.Select(m => m.Seq).Order());
        Assert.Equal(MaxQueued + 2, retried.Seq);
    }
}
