namespace OrleansChat.Silo;

/// <summary>
/// What one process of the image does (configuration key <c>ROLE</c>). Cloud Run service instances cannot
/// reach each other, so silos there cannot form a cluster: autoscaled front ends run as Orleans clients
/// and the silos run where they can reach one another (docs/deployment.md).
/// </summary>
public enum ChatRole
{
    /// <summary>Silo, hub and page in one process: local, VMs, Kubernetes, or Cloud Run with one instance.</summary>
    Combined,

    /// <summary>Silo only, with health endpoints: the tier that hosts the rooms.</summary>
    Silo,

    /// <summary>Hub and page as an Orleans client that finds the silos' gateways through Redis.</summary>
    Frontend,
}

public static class ChatRoles
{
    public const string Key = "ROLE";

    public static ChatRole From(IConfiguration configuration)
    {
        var value = configuration[Key];
        if (string.IsNullOrWhiteSpace(value))
        {
            return ChatRole.Combined;
        }

        return Enum.TryParse<ChatRole>(value, ignoreCase: true, out var role) && Enum.IsDefined(role)
            ? role
            : throw new InvalidOperationException($"{Key} must be combined, silo or frontend, not '{value}'.");
    }

    public static bool HostsSilo(this ChatRole role) => role is ChatRole.Combined or ChatRole.Silo;

    public static bool ServesClients(this ChatRole role) => role is ChatRole.Combined or ChatRole.Frontend;

    public static string Name(this ChatRole role) => role.ToString().ToLowerInvariant();
}
