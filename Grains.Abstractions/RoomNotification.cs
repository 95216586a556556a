namespace OrleansChat.Grains.Abstractions;

/// <summary>
/// A presence notice: someone entered or left a room. Notifications are not stored and carry no sequence
/// number; they are delivered at most once to the connections in the room at the time.
/// </summary>
[GenerateSerializer, Immutable]
public sealed record RoomNotification(
    [property: Id(0)] string Room,
    [property: Id(1)] string Kind,
    [property: Id(2)] string User,
    [property: Id(3)] string Title,
    [property: Id(4)] string Description)
{
    public const string Joined = "joined";
    public const string Left = "left";

    public static RoomNotification UserJoined(string room, string user) =>
        new(room, Joined, user, "Someone's here", $"{user} just entered the room");

    public static RoomNotification UserLeft(string room, string user) =>
        new(room, Left, user, "Someone just left", $"{user} just left the room");
}
