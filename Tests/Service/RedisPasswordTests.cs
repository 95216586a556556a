using OrleansChat.Tests.Infrastructure;

namespace OrleansChat.Tests.Service;

/// <summary>The published service against a Redis that demands a password, as Memorystore with AUTH does.</summary>
[Collection(PublishedServiceCollection.Name)]
public sealed class RedisPasswordTests(PublishedSilo silo, PasswordProtectedRedisServer redis)
{
    [Fact]
    public async Task WithREDISPASSWORDTheServiceUsesRedisAndNeverLogsThePassword()
    {
        await using var service = await silo.StartAsync(new Dictionary<string, string>
        {
            ["REDISHOST"] = "127.0.0.1",
            ["REDISPORT"] = redis.Port.ToString(),
            ["REDISPASSWORD"] = redis.Password!,
            ["Orleans__ClusterId"] = $"auth-{Guid.NewGuid():N}",
            ["Logging__LogLevel__Default"] = "Debug",
        });
        var room = Rooms.Fresh("auth");
        await using (var ana = await service.ConnectAsync())
        {
            await ana.JoinAsync(room, "Ana");
            Assert.Equal(1, (await ana.SendAsync(room, "stored behind AUTH")).Seq);
        }

        using var http = new HttpClient { BaseAddress = service.Address };
        var ready = await http.GetAsync("/health/ready");
        Assert.Equal(0, await service.StopAsync());

        Assert.True(ready.IsSuccessStatusCode, $"readiness: {ready.StatusCode}");
        Assert.Contains(service.Process.Output.Items, line => line.Contains($"Redis at 127.0.0.1:{redis.Port}"));
        Assert.DoesNotContain(service.Process.Output.Items, line => line.Contains(redis.Password!));
    }
}
