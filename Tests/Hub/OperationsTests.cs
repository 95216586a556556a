using System.Diagnostics.Metrics;
using OrleansChat.Tests.Infrastructure;
using OrleansChat.WebFront;

namespace OrleansChat.Tests.Hub;

/// <summary>What operators rely on: health endpoints, metrics, and connections that end before the platform ends them.</summary>
[Collection(ChatServerCollection.Name)]
public sealed class OperationsTests(ChatServerFixture fixture)
{
    [Fact]
    public async Task HealthEndpointsReportLiveAndReady()
    {
        using var http = new HttpClient { BaseAddress = fixture.Server.Address };

        var live = await http.GetAsync("/health/live");
        var ready = await http.GetAsync("/health/ready");

        Assert.True(live.IsSuccessStatusCode, $"live: {live.StatusCode}");
        Assert.True(ready.IsSuccessStatusCode, $"ready: {ready.StatusCode}");
        Assert.Equal("Healthy", await ready.Content.ReadAsStringAsync());
    }

    [Fact]
    public async Task AcceptedMessagesAndDeliveriesAreCounted()
    {
        var measured = new Inbox<(string Instrument, double Value)>();
        using var listener = new MeterListener();
        listener.InstrumentPublished = (instrument, l) =>
        {
            if (instrument.Meter.Name == ChatMetrics.MeterName)
            {
                l.EnableMeasurementEvents(instrument);
            }
        };
        listener.SetMeasurementEventCallback<long>((instrument, value, _, _) => measured.Add((instrument.Name, value)));
        listener.SetMeasurementEventCallback<double>((instrument, value, _, _) => measured.Add((instrument.Name, value)));
        listener.Start();
        var room = Rooms.Fresh("metrics");
        await using var ana = await fixture.Server.ConnectAsync();
        await using var ben = await fixture.Server.ConnectAsync();
        await ana.JoinAsync(room, "Ana");
        await ben.JoinAsync(room, "Ben");

        await ana.SendAsync(room, "counted");
        await ben.WaitForSeqAsync(room, 1);

        await measured.WaitUntilAsync(m => m.Any(x => x.Instrument == "chat.deliveries"), "a delivery measurement");
        Assert.Contains(measured.Items, m => m is ("chat.messages.accepted", 1));
        Assert.Contains(measured.Items, m => m.Instrument == "chat.send.duration" && m.Value >= 0);
        Assert.Contains(measured.Items, m => m is ("chat.connections", 1));
    }

    [Fact]
    public async Task AConnectionIsAskedToReconnectBeforeItsMaximumLifetimeAndResumesWithoutAGap()
    {
        await using var server = await TestChatServer.StartAsync(new Dictionary<string, string?>
        {
            ["Relay:MaxConnectionLifetime"] = "00:00:04", // recycled after 3.6 to 4 s, then again as long after
        });
        var room = Rooms.Fresh("lifetime");
        await using var ana = await ChatTestClient.ConnectAsync(server.Address, reconnect: true);
        await ana.JoinAsync(room, "Ana");
        await using var ben = await server.ConnectAsync();
        await ben.JoinAsync(room, "Ben");
        await ben.SendAsync(room, "before the cutoff");
        await ana.WaitForSeqAsync(room, 1);

        // The server closes with "reconnect allowed"; the client resumes on a new connection, as the page does.
        await ana.Lifecycle.WaitUntilAsync(l => l.Contains("reconnecting"), "Ana's connection to be recycled");
        await using var anaAgain = await server.ConnectAsync();
        var resumed = await anaAgain.JoinAsync(room, "Ana", since: 1);
        await using var benAgain = await server.ConnectAsync(); // Ben's first connection is recycled too
        await benAgain.JoinAsync(room, "Ben", since: 1);
        await benAgain.SendAsync(room, "after the reconnect");
        var received = ana.Messages.Items.Concat(await anaAgain.WaitForSeqAsync(room, 2)).ToList();

        Assert.DoesNotContain("closed", ana.Lifecycle.Items.TakeWhile(l => l != "reconnecting"));
        Assert.Empty(resumed.Messages);
        Assert.Equal([1L, 2L], received.Select(m => m.Seq));
    }
}
