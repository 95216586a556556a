namespace OrleansChat.Grains;

/// <summary>
/// Who is in a room, by connection: one user may have several connections (tabs, devices) and is one
/// member while any of them is present.
/// </summary>
internal sealed class RoomMembers
{
    private readonly Dictionary<string, string> _userByConnection = new(StringComparer.Ordinal);
    private readonly Dictionary<string, int> _connectionsByUser = new(StringComparer.Ordinal);
    private readonly List<string> _usersInJoinOrder = [];

    public int ConnectionCount => _userByConnection.Count;

    public IReadOnlyList<string> Users => [.. _usersInJoinOrder];

    /// <summary>Adds a connection; true when it made <paramref name="user"/> a member.</summary>
    public bool Add(string connectionId, string user)
    {
        if (_userByConnection.TryGetValue(connectionId, out var existing))
        {
            if (existing == user)
            {
                return false;
            }

            Remove(connectionId);
        }

        _userByConnection[connectionId] = user;
        var count = _connectionsByUser.GetValueOrDefault(user);
        _connectionsByUser[user] = count + 1;
        if (count == 0)
        {
            _usersInJoinOrder.Add(user);
        }

        return count == 0;
    }

    /// <summary>Removes a connection; returns the user it belonged to when that user is no longer a member.</summary>
    public string? Remove(string connectionId)
    {
        if (!_userByConnection.Remove(connectionId, out var user))
        {
            return null;
        }

        var count = _connectionsByUser[user] - 1;
        if (count > 0)
        {
            _connectionsByUser[user] = count;
            return null;
        }

        _connectionsByUser.Remove(user);
        _usersInJoinOrder.Remove(user);
        return user;
    }
}
