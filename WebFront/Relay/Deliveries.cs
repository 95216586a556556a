namespace OrleansChat.WebFront.Relay;

/// <summary>What <see cref="DeliveryOrder"/> decided to hand out: each entry one client call to a set of connections, in order.</summary>
internal sealed class Deliveries
{
    private readonly List<(string Method, object Argument, List<string> ConnectionIds)> _items = [];

    public IReadOnlyList<(string Method, object Argument, List<string> ConnectionIds)> Items => _items;

    public void Add(string method, object argument, List<string> connectionIds)
    {
        if (connectionIds.Count > 0)
        {
            _items.Add((method, argument, connectionIds));
        }
    }

    public void Clear() => _items.Clear();
}
