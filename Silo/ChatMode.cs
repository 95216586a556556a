namespace OrleansChat.Silo;

/// <summary>Whether this process runs embedded (nothing persisted) or against Redis.</summary>
public sealed record ChatMode(RedisSettings? Redis)
{
    public string Describe() => Redis is null
        ? "embedded mode: localhost clustering, in-memory storage; history is lost when the process stops"
        : $"Redis mode: clustering and storage in Redis at {Redis.Endpoints}";
}
