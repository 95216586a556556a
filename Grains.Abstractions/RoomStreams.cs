namespace OrleansChat.Grains.Abstractions;

/// <summary>Where a room publishes its events: one stream per room, keyed by the normalized room name.</summary>
public static class RoomStreams
{
    /// <summary>The name of the Orleans stream provider every role registers.</summary>
    public const string ProviderName = "RoomStreams";

    /// <summary>The stream namespace for rooms.</summary>
    public const string Namespace = "room";

    public static StreamId For(string room) => StreamId.Create(Namespace, room);
}
