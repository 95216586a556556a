using Orleans.Streams;
using OrleansChat.Grains.Streams;

namespace OrleansChat.Tests.Streams;

public sealed class QueueBellTests
{
    private static readonly TimeSpan Long = TimeSpan.FromSeconds(30);
    private static readonly QueueId Queue = QueueId.GetQueueId("room-queue", 0, 0);

    [Fact]
    public async Task ARingWhileNobodyWaitsIsKeptForTheNextWait()
    {
        var bell = new QueueBell(Queue);
        bell.Ring();

        Assert.True(await bell.WaitAsync(Long, CancellationToken.None));
    }

    [Fact]
    public async Task AWaitThatTheRingEndedDoesNotEndTheNextOne()
    {
        var bell = new QueueBell(Queue);
        bell.Ring();
        await bell.WaitAsync(Long, CancellationToken.None);

        Assert.False(await bell.WaitAsync(TimeSpan.FromMilliseconds(50), CancellationToken.None));
    }

    [Fact]
    public async Task AWaitingReaderWakesWhenTheBellRings()
    {
        var bell = new QueueBell(Queue);
        var waiting = bell.WaitAsync(Long, CancellationToken.None);
        Assert.False(waiting.IsCompleted);

        bell.Ring();

        Assert.True(await waiting.WaitAsync(Long));
    }

    [Fact]
    public async Task TheLocalDoorbellRingsOnlyTheBellOfTheQueue()
    {
        var doorbell = new LocalQueueDoorbell();
        var first = doorbell.Hang(Queue);
        var second = doorbell.Hang(QueueId.GetQueueId("room-queue", 1, 1));

        doorbell.Ring(Queue);

        Assert.True(await first.WaitAsync(Long, CancellationToken.None));
        Assert.False(await second.WaitAsync(TimeSpan.FromMilliseconds(50), CancellationToken.None));
    }

    [Fact]
    public async Task ABellTakenDownIsRungNoMore()
    {
        var doorbell = new LocalQueueDoorbell();
        var bell = doorbell.Hang(Queue);
        doorbell.TakeDown(bell);

        doorbell.Ring(Queue);

        Assert.False(await bell.WaitAsync(TimeSpan.FromMilliseconds(50), CancellationToken.None));
    }
}
