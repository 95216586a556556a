namespace OrleansChat.WebFront.Relay;

/// <summary>The count of events all room feeds of this process hold and have not delivered yet.</summary>
public sealed class RelayBacklog
{
    public long Count;
}
