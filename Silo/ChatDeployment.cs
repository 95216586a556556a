namespace OrleansChat.Silo;

/// <summary>
/// How this process was configured: its role, its cluster, where Redis is, if anywhere, and the archive's
/// Npgsql connection string (<c>ConnectionStrings:Archive</c>), if any.
/// </summary>
public sealed record ChatDeployment(ChatRole Role, ClusterSettings Cluster, RedisSettings? Redis, string? Archive = null)
{
    public static ChatDeployment From(IConfiguration configuration)
    {
        var archive = configuration.GetConnectionString("Archive") is { Length: > 0 } connectionString ? connectionString : null;
        var deployment = new ChatDeployment(ChatRoles.From(configuration), ClusterSettings.From(configuration), RedisSettings.From(configuration), archive);
        if (deployment.Role == ChatRole.Frontend && deployment.Redis is null)
        {
            throw new InvalidOperationException(
                "ROLE=frontend finds the silos through Redis: set REDISHOST (and REDISPORT) or ConnectionStrings__Redis.");
        }

        return deployment;
    }

    /// <summary>For the start-up log: never a secret.</summary>
    public string Describe() => (Redis, Archive) switch
    {
        (null, null) => $"role {Role.Name()}, embedded mode: localhost clustering, in-memory storage; history is lost when the process stops",
        (null, _) => $"role {Role.Name()}, embedded mode: localhost clustering, in-memory storage; {DescribeArchive()}",
        (_, null) => $"role {Role.Name()}, cluster {Cluster.ClusterId}, Redis at {Redis.Endpoints}",
        _ => $"role {Role.Name()}, cluster {Cluster.ClusterId}, Redis at {Redis.Endpoints}; {DescribeArchive()}",
    };

    private string DescribeArchive()
    {
        var archive = new Npgsql.NpgsqlConnectionStringBuilder(Archive);
        return $"every message archived in PostgreSQL at {archive.Host}:{archive.Port}/{archive.Database}";
    }
}
