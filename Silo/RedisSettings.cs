using System.Security.Cryptography.X509Certificates;
using StackExchange.Redis;

namespace OrleansChat.Silo;

/// <summary>
/// Where Redis is, if anywhere, and how to reach it safely. <c>ConnectionStrings:Redis</c> (a
/// StackExchange.Redis configuration string, e.g. <c>10.0.0.3:6378,password=…,ssl=true</c>) wins;
/// otherwise <c>REDISHOST</c> and <c>REDISPORT</c> (default 6379), as Cloud Run deployments set them, with
/// <c>REDISPASSWORD</c> (Memorystore AUTH) and <c>REDISTLS=true</c> (in-transit encryption). With TLS,
/// <c>REDISCA</c> names a PEM file of the server's certificate authority (Memorystore's is per instance).
/// Neither: the embedded mode, with nothing persisted.
/// </summary>
public sealed class RedisSettings
{
    private readonly ConfigurationOptions _options;

    private RedisSettings(ConfigurationOptions options) => _options = options;

    public static RedisSettings? From(IConfiguration configuration)
    {
        ConfigurationOptions options;
        if (configuration.GetConnectionString("Redis") is { Length: > 0 } connectionString)
        {
            options = ConfigurationOptions.Parse(connectionString);
        }
        else if (configuration["REDISHOST"] is { Length: > 0 } host)
        {
            var port = configuration["REDISPORT"] is { Length: > 0 } p ? p : "6379";
            options = ConfigurationOptions.Parse($"{host}:{port}");
            options.Password = configuration["REDISPASSWORD"] is { Length: > 0 } password ? password : null;
            options.Ssl = configuration.GetValue("REDISTLS", false);
        }
        else
        {
            return null;
        }

        if (configuration["REDISCA"] is { Length: > 0 } caFile)
        {
            var authority = X509Certificate2.CreateFromPemFile(caFile);
            options.CertificateValidation += (_, certificate, _, _) => IsIssuedBy(certificate, authority);
        }

        return new RedisSettings(options);
    }

    /// <summary>A fresh copy for each user of Redis (options objects are not shared).</summary>
    public ConfigurationOptions Options() => _options.Clone();

    /// <summary>
    /// The process's own connection, for the message log and the health check (Orleans' clustering and
    /// storage keep theirs). It does not give up when Redis is down at start: it keeps reconnecting.
    /// </summary>
    public IConnectionMultiplexer Connect()
    {
        var options = Options();
        options.AbortOnConnectFail = false;
        return ConnectionMultiplexer.Connect(options);
    }

    /// <summary>The endpoints only, for logs: never the password.</summary>
    public string Endpoints => string.Join(",", _options.EndPoints.Select(e => e.ToString())) + (_options.Ssl ? " (TLS)" : "");

    private static bool IsIssuedBy(X509Certificate? certificate, X509Certificate2 authority)
    {
        if (certificate is null)
        {
            return false;
        }

        using var chain = new X509Chain();
        chain.ChainPolicy.TrustMode = X509ChainTrustMode.CustomRootTrust;
        chain.ChainPolicy.CustomTrustStore.Add(authority);
        chain.ChainPolicy.RevocationMode = X509RevocationMode.NoCheck;
        return chain.Build(new X509Certificate2(certificate));
    }
}
