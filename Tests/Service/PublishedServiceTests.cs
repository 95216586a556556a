using OrleansChat.Tests.Infrastructure;

namespace OrleansChat.Tests.Service;

/// <summary>The published service, started as its container starts it: real processes, real Redis.</summary>
[Collection(PublishedServiceCollection.Name)]
public sealed class PublishedServiceTests(PublishedSilo silo, RedisServer redis)
{
    [Fact]
    public async Task ItListensOnPortServesThePageAndChatsThenStopsCleanlyOnSigterm()
    {
        await using var service = await silo.StartAsync();
        using var http = new HttpClient { BaseAddress = service.Address };

        var page = await http.GetStringAsync("/");
        var library = await http.GetAsync("/lib/signalr.min.js");
        var script = await http.GetAsync("/app.js");
        var room = Rooms.Fresh("published");
        await using (var ana = await service.ConnectAsync())
        await using (var ben = await service.ConnectAsync())
        {
            await ana.JoinAsync(room, "Ana");
            await ben.JoinAsync(room, "Ben");
            await ana.SendAsync(room, "hello from the published build");
            Assert.Equal("hello from the published build", (await ben.WaitForSeqAsync(room, 1)).Single().Text);
        }

        Assert.Contains("<title>OrleansChat</title>", page);
        Assert.True(library.IsSuccessStatusCode, $"signalr.min.js: {library.StatusCode}");
        Assert.True(script.IsSuccessStatusCode, $"app.js: {script.StatusCode}");
        Assert.Contains(service.Process.Output.Items, line => line.Contains("embedded mode") && line.Contains($"http://localhost:{service.Address.Port}/"));
        Assert.Equal(0, await service.StopAsync());
    }

    [Fact]
    public async Task InRedisModeHistorySurvivesAFullRestart()
    {
        var settings = new Dictionary<string, string>
        {
            ["REDISHOST"] = "127.0.0.1",
            ["REDISPORT"] = redis.Port.ToString(),
            ["Orleans__ClusterId"] = $"restart-{Guid.NewGuid():N}",
            ["Orleans__ServiceId"] = $"restart-{Guid.NewGuid():N}",
        };
        var room = Rooms.Fresh("restart");
        string epoch;
        await using (var first = await silo.StartAsync(settings))
        {
            await using var ana = await first.ConnectAsync();
            epoch = (await ana.JoinAsync(room, "Ana")).Epoch;
            await ana.SendAsync(room, "before the restart", "before-1");
            await ana.SendAsync(room, "acknowledged, so kept", "before-2");
            Assert.Contains(first.Process.Output.Items, line => line.Contains($"Redis at 127.0.0.1:{redis.Port}"));
            Assert.Equal(0, await first.StopAsync());
        }

        await using var second = await silo.StartAsync(settings);
        await using var ben = await second.ConnectAsync();
        var joined = await ben.JoinAsync(room, "Ben");
        var next = await ben.SendAsync(room, "after the restart");
        await using var anaAgain = await second.ConnectAsync();
        await anaAgain.JoinAsync(room, "Ana", since: 2);
        var retried = await anaAgain.SendAsync(room, "Ana retries after the restart", "before-1");

        Assert.Equal(epoch, joined.Epoch);
        Assert.Equal(2, joined.LastSeq);
        Assert.Equal(["before the restart", "acknowledged, so kept"], joined.Messages.Select(m => m.Text));
        Assert.Equal(3, next.Seq);
        Assert.Equal(1, retried.Seq);
    }
}
