using System.Net;

namespace OrleansChat.Silo;

/// <summary>How this process joins the Orleans cluster; bound from the configuration section <c>Orleans</c>.</summary>
public sealed class ClusterSettings
{
    public const string Section = "Orleans";

    /// <summary>Processes with the same cluster id (and Redis) form one cluster.</summary>
    public string ClusterId { get; set; } = "orleans-chat";

    /// <summary>Names the stored data; keep it stable across deployments so rooms keep their history.</summary>
    public string ServiceId { get; set; } = "orleans-chat";

    /// <summary>Silo-to-silo port.</summary>
    public int SiloPort { get; set; } = 11111;

    /// <summary>Port clients use to reach this silo as a gateway.</summary>
    public int GatewayPort { get; set; } = 30000;

    /// <summary>
    /// The address other silos reach this one at, in Redis mode. Empty: the first IPv4 address of an
    /// interface that is up, else loopback. An IP, not a host name: silos advertising names have failed
    /// to find each other.
    /// </summary>
    public string? AdvertisedIP { get; set; }

    /// <summary>
    /// How often a room stream queue is read when nothing rang its doorbell. Every queued event rings it (in
    /// this process, or through Redis pub/sub for a queue read by another instance), so events do not wait
    /// for this; it bounds the delay of an event whose ring was lost, and is all an idle queue costs.
    /// </summary>
    public TimeSpan StreamPollingPeriod { get; set; } = TimeSpan.FromSeconds(1);

    /// <summary>
    /// How many queues carry the room streams. Each queue is one pulling agent on one silo, and a room's
    /// stream always goes through the same queue, so queues are the unit in which silos share the stream
    /// work.
    /// </summary>
    public int StreamQueues { get; set; } = 1;

    public static ClusterSettings From(IConfiguration configuration)
    {
        var settings = configuration.GetSection(Section).Get<ClusterSettings>() ?? new ClusterSettings();
        settings.Validate();
        return settings;
    }

    private void Validate()
    {
        List<string> errors = [];
        if (string.IsNullOrWhiteSpace(ClusterId)) errors.Add($"{Section}:{nameof(ClusterId)} must not be empty.");
        if (string.IsNullOrWhiteSpace(ServiceId)) errors.Add($"{Section}:{nameof(ServiceId)} must not be empty.");
        if (SiloPort is < 1 or > 65535) errors.Add($"{Section}:{nameof(SiloPort)} must be a port number, not {SiloPort}.");
        if (GatewayPort is < 1 or > 65535) errors.Add($"{Section}:{nameof(GatewayPort)} must be a port number, not {GatewayPort}.");
        if (!string.IsNullOrEmpty(AdvertisedIP) && !IPAddress.TryParse(AdvertisedIP, out _))
            errors.Add($"{Section}:{nameof(AdvertisedIP)} must be an IP address, not '{AdvertisedIP}'.");
        if (StreamPollingPeriod <= TimeSpan.Zero || StreamPollingPeriod > TimeSpan.FromMinutes(1))
            errors.Add($"{Section}:{nameof(StreamPollingPeriod)} must be above 0 and at most 00:01:00.");
        if (StreamQueues is < 1 or > 64)
            errors.Add($"{Section}:{nameof(StreamQueues)} must be 1 to 64, not {StreamQueues}.");
        if (errors.Count > 0) throw new InvalidOperationException(string.Join(" ", errors));
    }
}
