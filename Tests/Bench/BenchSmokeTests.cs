using OrleansChat.Bench;
using OrleansChat.Tests.Infrastructure;

namespace OrleansChat.Tests.Bench;

/// <summary>The benchmark itself, on a tiny load: it must count every delivery and report sane numbers.</summary>
public sealed class BenchSmokeTests
{
    [Fact]
    public async Task ATinyLoadRunCountsEveryDeliveryAndReportsLatencies()
    {
        await using var server = await TestChatServer.StartAsync();
        var settings = new LoadSettings([server.Address], Rooms: 2, ClientsPerRoom: 3, SendersPerRoom: 1,
            MessagesPerSecond: 20, MessageSize: 100, Warmup: TimeSpan.Zero, Duration: TimeSpan.FromSeconds(2));

        var result = await LoadRun.RunAsync(settings, [], "smoke");

        var acknowledged = result.GetProperty("messagesAcknowledged").GetInt64();
        var latency = result.GetProperty("latencyMs");
        Assert.True(acknowledged > 0, $"no message was acknowledged: {result}");
        Assert.Equal(acknowledged * 3, result.GetProperty("deliveriesExpected").GetInt64());
        Assert.Equal(result.GetProperty("deliveriesExpected").GetInt64(), result.GetProperty("deliveriesReceived").GetInt64());
        Assert.Equal(0, result.GetProperty("lost").GetInt64());
        Assert.Equal(0, result.GetProperty("duplicates").GetInt64());
        Assert.Equal(0, result.GetProperty("outOfOrder").GetInt64());
        Assert.True(latency.GetProperty("p50").GetDouble() > 0, $"latencies were not recorded: {result}");
        Assert.True(latency.GetProperty("p50").GetDouble() <= latency.GetProperty("max").GetDouble());
    }

    [Fact]
    public async Task KneeModeStopsAtTheFirstStepThatMissesAndReportsTheLastThatHeld()
    {
        await using var server = await TestChatServer.StartAsync();
        var settings = new LoadSettings([server.Address], Rooms: 1, ClientsPerRoom: 2, SendersPerRoom: 1,
            MessagesPerSecond: 0, MessageSize: 100, Warmup: TimeSpan.Zero, Duration: TimeSpan.FromSeconds(1));

        var unbounded = await KneeMode.FindAsync(settings, [5, 10], int.MaxValue, [], (_, _) => { });
        var unreachable = await KneeMode.FindAsync(settings, [5, 10], 0, [], (_, _) => { });

        var steps = unbounded.GetProperty("steps");
        Assert.Equal(2, steps.GetArrayLength());
        Assert.Equal(steps[1].GetProperty("deliveriesPerSecond").GetDouble(), unbounded.GetProperty("kneeDeliveriesPerSecond").GetDouble());
        Assert.True(unbounded.GetProperty("kneeDeliveriesPerSecond").GetDouble() > 0, $"no deliveries: {unbounded}");
        Assert.Equal(1, unreachable.GetProperty("steps").GetArrayLength());
        Assert.Equal(0, unreachable.GetProperty("kneeDeliveriesPerSecond").GetDouble());
    }
}
