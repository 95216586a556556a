namespace OrleansChat.Grains;

/// <summary>
/// Which typing notices a room relays: at most one per user per <c>interval</c>, whatever a client sends,
/// so a loop of Typing calls costs the room's members one notice every few seconds. The page sends one
/// every 3 s while its user types, so an interval below that drops none of a page's notices; and since a
/// sent message ends the typing (the page announces the next keystroke at once), it ends the interval too.
/// </summary>
internal sealed class TypingCoalescer(TimeSpan interval)
{
    private const int PruneAbove = 1_000;
    private readonly Dictionary<string, DateTimeOffset> _lastRelayed = new(StringComparer.Ordinal);

    /// <summary><paramref name="user"/> sent a message: their next notice is relayed whenever it comes.</summary>
    public void Sent(string user) => _lastRelayed.Remove(user);

    /// <summary>Whether a notice of <paramref name="user"/> at <paramref name="now"/> is relayed.</summary>
    public bool ShouldRelay(string user, DateTimeOffset now)
    {
        if (_lastRelayed.TryGetValue(user, out var last) && now - last < interval)
        {
            return false;
        }

        if (_lastRelayed.Count >= PruneAbove)
        {
            foreach (var stale in _lastRelayed.Where(entry => now - entry.Value >= interval).Select(entry => entry.Key).ToList())
            {
                _lastRelayed.Remove(stale);
            }
        }

        _lastRelayed[user] = now;
        return true;
    }
}
