namespace OrleansChat.WebFront.Relay;

/// <summary>
/// The writes to connections that all room feeds of this process hold and have not made yet: each event
/// waiting in a feed counts once per connection attached to its room.
/// </summary>
public sealed class RelayBacklog
{
    public long Count;
}
