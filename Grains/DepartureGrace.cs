namespace OrleansChat.Grains;

/// <summary>
/// Holds back "left" for a grace period: a user whose last connection went away is announced as left only
/// if they did not come back within <paramref name="grace"/>, and a user who came back is announced
/// neither as left nor as joined. Connections are recycled every hour and on every deploy, and each would
/// otherwise post "X just left" and "X just entered" for every member. Meanwhile the user still counts as
/// present in member lists, so that relays do not announce the departure themselves.
/// </summary>
internal sealed class DepartureGrace(TimeSpan grace)
{
    private readonly Dictionary<string, DateTimeOffset> _leftAt = new(StringComparer.Ordinal);

    /// <summary>Users who left within the grace period and have not come back, oldest first.</summary>
    public IEnumerable<string> Lingering => _leftAt.OrderBy(d => d.Value).Select(d => d.Key);

    public void Left(string user, DateTimeOffset now) => _leftAt.TryAdd(user, now);

    /// <summary>The user is a member again; true when they left within the grace period, so nothing is announced.</summary>
    public bool Returned(string user) => _leftAt.Remove(user);

    /// <summary>Users whose grace period ended: announce them as left now.</summary>
    public List<string> Due(DateTimeOffset now)
    {
        var due = _leftAt.Where(d => now - d.Value >= grace).OrderBy(d => d.Value).Select(d => d.Key).ToList();
        foreach (var user in due)
        {
            _leftAt.Remove(user);
        }

        return due;
    }

    /// <summary>Everyone still waiting, announced now: the room is going away.</summary>
    public List<string> All()
    {
        var all = Lingering.ToList();
        _leftAt.Clear();
        return all;
    }
}
