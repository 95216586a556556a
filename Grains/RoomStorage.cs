namespace OrleansChat.Grains;

/// <summary>Names of the grain storage providers the grains use; every silo must register both.</summary>
public static class RoomStorage
{
    /// <summary>Storage for <see cref="OrleansChat.Grains.Abstractions.RoomPresence"/>.</summary>
    public const string Rooms = "rooms";

    /// <summary>The storage Orleans streams keep their subscriptions in; the name is fixed by Orleans.</summary>
    public const string PubSub = "PubSubStore";
}
