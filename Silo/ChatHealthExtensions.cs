using Microsoft.Extensions.Diagnostics.HealthChecks;
using OrleansChat.Grains.Abstractions;
using StackExchange.Redis;

namespace OrleansChat.Silo;

public static class ChatHealthExtensions
{
    public const string LivePath = "/health/live";
    public const string ReadyPath = "/health/ready";
    private const string Ready = "ready";

    /// <summary>
    /// Liveness: the process answers. Readiness: the cluster runs grain calls (this silo is active, or this
    /// client reaches a gateway) and, in Redis mode, Redis answers a PING.
    /// </summary>
    public static WebApplicationBuilder AddChatHealth(this WebApplicationBuilder builder, ChatDeployment deployment)
    {
        var checks = builder.Services.AddHealthChecks()
            .AddCheck<StoppingHealthCheck>("stopping", tags: [Ready])
            .AddCheck<ClusterHealthCheck>("cluster", tags: [Ready]);
        if (deployment.Redis is not null)
        {
            checks.AddCheck<RedisHealthCheck>("redis", tags: [Ready]);
        }

        return builder;
    }

    public static WebApplication MapChatHealth(this WebApplication app)
    {
        app.MapHealthChecks(LivePath, new() { Predicate = _ => false });
        app.MapHealthChecks(ReadyPath, new() { Predicate = check => check.Tags.Contains(Ready) });
        return app;
    }

    /// <summary>Not ready once stopping, so a load balancer sends no new clients to a process on its way out.</summary>
    private sealed class StoppingHealthCheck(IHostApplicationLifetime lifetime) : IHealthCheck
    {
        public Task<HealthCheckResult> CheckHealthAsync(HealthCheckContext context, CancellationToken cancellationToken = default) =>
            Task.FromResult(lifetime.ApplicationStopping.IsCancellationRequested
                ? HealthCheckResult.Unhealthy("The process is stopping.")
                : HealthCheckResult.Healthy());
    }

    private sealed class ClusterHealthCheck(IGrainFactory grains) : IHealthCheck
    {
        public async Task<HealthCheckResult> CheckHealthAsync(HealthCheckContext context, CancellationToken cancellationToken = default)
        {
            try
            {
                await grains.GetGrain<IPingGrain>(0).PingAsync().WaitAsync(TimeSpan.FromSeconds(2), cancellationToken);
                return HealthCheckResult.Healthy();
            }
            catch (Exception exception)
            {
                return HealthCheckResult.Unhealthy("The cluster does not answer grain calls.", exception);
            }
        }
    }

    private sealed class RedisHealthCheck(IConnectionMultiplexer redis) : IHealthCheck
    {
        public async Task<HealthCheckResult> CheckHealthAsync(HealthCheckContext context, CancellationToken cancellationToken = default)
        {
            try
            {
                var latency = await redis.GetDatabase().PingAsync().WaitAsync(TimeSpan.FromSeconds(2), cancellationToken);
                return HealthCheckResult.Healthy($"PING {latency.TotalMilliseconds:0.0} ms");
            }
            catch (Exception exception)
            {
                return HealthCheckResult.Unhealthy("Redis does not answer.", exception);
            }
        }
    }
}
