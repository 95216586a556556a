using Orleans.Configuration;
using OrleansChat.Grains.Abstractions;

namespace OrleansChat.Silo;

public static class ChatClientExtensions
{
    /// <summary>
    /// Connects this process to the cluster as an Orleans client (the frontend role): the silos' gateways
    /// are found in Redis, and the client subscribes to room streams like a silo's relay does.
    /// </summary>
    public static WebApplicationBuilder AddChatClient(this WebApplicationBuilder builder, ChatDeployment deployment)
    {
        var redis = deployment.Redis ?? throw new InvalidOperationException("The frontend role needs Redis.");
        builder.UseOrleansClient(client =>
        {
            client.Configure<ClusterOptions>(options =>
            {
                options.ClusterId = deployment.Cluster.ClusterId;
                options.ServiceId = deployment.Cluster.ServiceId;
            });
            client.UseRedisClustering(options => options.ConfigurationOptions = redis.Options());
            client.AddMemoryStreams(RoomStreams.ProviderName);
            client.UseConnectionRetryFilter<KeepConnecting>();
        });
        return builder;
    }

    /// <summary>A front end may start before any silo is up: it keeps trying, and is not ready until connected.</summary>
    private sealed class KeepConnecting(ILogger<KeepConnecting> logger) : IClientConnectionRetryFilter
    {
        public async Task<bool> ShouldRetryConnectionAttempt(Exception exception, CancellationToken cancellationToken)
        {
            logger.LogWarning("No silo gateway answered ({Error}); retrying in 1 s", exception.Message);
            await Task.Delay(TimeSpan.FromSeconds(1), cancellationToken);
            return !cancellationToken.IsCancellationRequested;
        }
    }
}
