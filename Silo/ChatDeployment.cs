namespace OrleansChat.Silo;

/// <summary>How this process was configured: its role, its cluster and where Redis is, if anywhere.</summary>
public sealed record ChatDeployment(ChatRole Role, ClusterSettings Cluster, RedisSettings? Redis)
{
    public static ChatDeployment From(IConfiguration configuration)
    {
        var deployment = new ChatDeployment(ChatRoles.From(configuration), ClusterSettings.From(configuration), RedisSettings.From(configuration));
        if (deployment.Role == ChatRole.Frontend && deployment.Redis is null)
        {
            throw new InvalidOperationException(
                "ROLE=frontend finds the silos through Redis: set REDISHOST (and REDISPORT) or ConnectionStrings__Redis.");
        }

        return deployment;
    }

    /// <summary>For the start-up log: never a secret.</summary>
    public string Describe() => Redis is null
        ? $"role {Role.Name()}, embedded mode: localhost clustering, in-memory storage; history is lost when the process stops"
        : $"role {Role.Name()}, cluster {Cluster.ClusterId}, Redis at {Redis.Endpoints}";
}
