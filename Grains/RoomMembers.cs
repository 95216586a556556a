using OrleansChat.Grains.Abstractions;

namespace OrleansChat.Grains;

/// <summary>
/// Who is in a room, by connection: one user may have several connections (tabs, devices, instances) and
/// is one member while any of them is present. Every connection belongs to a relay (one per process that
/// serves clients), and each relay holds a lease on its connections: a relay that stops renewing, because
/// its process died, loses them all when the lease runs out, so no ghost members remain.
/// </summary>
internal sealed class RoomMembers
{
    private readonly Dictionary<string, (string User, string RelayId)> _connections = new(StringComparer.Ordinal);
    private readonly Dictionary<string, int> _connectionsByUser = new(StringComparer.Ordinal);
    private readonly Dictionary<string, DateTimeOffset> _leaseByRelay = new(StringComparer.Ordinal);
    private readonly List<string> _usersInJoinOrder = [];
    private readonly Dictionary<string, string> _usersByNameKey = new(StringComparer.Ordinal); // NameRules.Key -> user

    public int ConnectionCount => _connections.Count;

    /// <summary>Changes with every connection added or removed, so the room stores presence only when it changed.</summary>
    public int Version { get; private set; }

    public IReadOnlyList<string> Users => [.. _usersInJoinOrder];

    /// <summary>The user a connection is in the room as, or null.</summary>
    public string? UserOf(string connectionId) => _connections.TryGetValue(connectionId, out var entry) ? entry.User : null;

    /// <summary>The member whose name is the same name as one with <paramref name="nameKey"/> (<see cref="NameRules.Key"/>), or null.</summary>
    public string? UserWithNameKey(string nameKey) => _usersByNameKey.GetValueOrDefault(nameKey);

    /// <summary>Adds a connection; true when it made <paramref name="user"/> a member.</summary>
    public bool Add(string relayId, string connectionId, string user, DateTimeOffset leaseUntil)
    {
        _leaseByRelay[relayId] = Later(_leaseByRelay.GetValueOrDefault(relayId), leaseUntil);
        if (_connections.TryGetValue(connectionId, out var existing))
        {
            if (existing.User == user)
            {
                return false;
            }

            Remove(connectionId);
        }

        _connections[connectionId] = (user, relayId);
        Version++;
        var count = _connectionsByUser.GetValueOrDefault(user);
        _connectionsByUser[user] = count + 1;
        if (count == 0)
        {
            _usersInJoinOrder.Add(user);
            _usersByNameKey.TryAdd(NameRules.Key(user), user);
        }

        return count == 0;
    }

    /// <summary>Removes a connection; returns the user it belonged to when that user is no longer a member.</summary>
    public string? Remove(string connectionId)
    {
        if (!_connections.Remove(connectionId, out var entry))
        {
            return null;
        }

        Version++;
        var count = _connectionsByUser[entry.User] - 1;
        if (count > 0)
        {
            _connectionsByUser[entry.User] = count;
            return null;
        }

        _connectionsByUser.Remove(entry.User);
        _usersInJoinOrder.Remove(entry.User);
        if (_usersByNameKey.TryGetValue(NameRules.Key(entry.User), out var keyed) && keyed == entry.User)
        {
            _usersByNameKey.Remove(NameRules.Key(entry.User));
        }
        if (!_connections.Values.Any(c => c.RelayId == entry.RelayId))
        {
            _leaseByRelay.Remove(entry.RelayId);
        }

        return entry.User;
    }

    /// <summary>
    /// Replaces what a relay holds with what it reports and extends its lease. Connections it no longer
    /// reports are removed; ones the room did not know (it was reactivated elsewhere) are added back.
    /// Returns the users who stopped being members.
    /// </summary>
    public List<string> Renew(string relayId, IReadOnlyList<RoomConnection> connections, DateTimeOffset leaseUntil)
    {
        var reported = connections.Select(c => c.ConnectionId).ToHashSet(StringComparer.Ordinal);
        var gone = RemoveWhere(c => c.Value.RelayId == relayId && !reported.Contains(c.Key));
        foreach (var (connectionId, user) in connections)
        {
            Add(relayId, connectionId, user, leaseUntil);
        }

        if (connections.Count > 0)
        {
            _leaseByRelay[relayId] = leaseUntil;
        }

        return gone;
    }

    /// <summary>Removes every connection of a relay; returns the users who stopped being members.</summary>
    public List<string> Release(string relayId)
    {
        _leaseByRelay.Remove(relayId);
        return RemoveWhere(c => c.Value.RelayId == relayId);
    }

    /// <summary>Removes the connections of relays whose lease ran out; returns the users who stopped being members.</summary>
    public List<string> Expire(DateTimeOffset now)
    {
        var expired = _leaseByRelay.Where(l => l.Value <= now).Select(l => l.Key).ToList();
        return expired.SelectMany(Release).ToList();
    }

    /// <summary>The connections as stored in <see cref="RoomPresence"/>.</summary>
    public List<PresenceEntry> Snapshot() =>
        [.. _connections.Select(c => new PresenceEntry(c.Key, c.Value.User, c.Value.RelayId))];

    /// <summary>
    /// Loads stored connections, each relay with a fresh lease: live relays renew theirs, and the
    /// connections of relays that died expire with a notice.
    /// </summary>
    public void Restore(IEnumerable<PresenceEntry> entries, DateTimeOffset leaseUntil)
    {
        foreach (var entry in entries)
        {
            Add(entry.RelayId, entry.ConnectionId, entry.User, leaseUntil);
        }
    }

    private List<string> RemoveWhere(Func<KeyValuePair<string, (string User, string RelayId)>, bool> predicate) =>
        _connections.Where(predicate).Select(c => c.Key).ToList()
            .Select(Remove).OfType<string>().ToList();

    private static DateTimeOffset Later(DateTimeOffset a, DateTimeOffset b) => a > b ? a : b;
}
