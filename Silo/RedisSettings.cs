using StackExchange.Redis;

namespace OrleansChat.Silo;

/// <summary>
/// Where Redis is, if anywhere. <c>ConnectionStrings:Redis</c> (a StackExchange.Redis configuration string)
/// wins; otherwise <c>REDISHOST</c> and <c>REDISPORT</c> (default 6379), as Cloud Run deployments set them.
/// Neither: the embedded mode, with nothing persisted.
/// </summary>
public sealed record RedisSettings(string ConnectionString)
{
    public static RedisSettings? From(IConfiguration configuration)
    {
        if (configuration.GetConnectionString("Redis") is { Length: > 0 } connectionString)
        {
            return new RedisSettings(connectionString);
        }

        if (configuration["REDISHOST"] is { Length: > 0 } host)
        {
            var port = configuration["REDISPORT"] is { Length: > 0 } p ? p : "6379";
            return new RedisSettings($"{host}:{port}");
        }

        return null;
    }

    public ConfigurationOptions Options() => ConfigurationOptions.Parse(ConnectionString);

    /// <summary>The endpoints only, for logs: never the password.</summary>
    public string Endpoints => string.Join(",", Options().EndPoints.Select(e => e.ToString()));
}
