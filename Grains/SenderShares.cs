using OrleansChat.Grains.Abstractions;

namespace OrleansChat.Grains;

/// <summary>
/// A room's message budget shared among whoever is sending: each of the n users who tried to send within
/// <c>activeFor</c> gets 1/n of the room's burst and refill, so one sender (or one user on many
/// connections) cannot take the budget that the others need; a user alone in sending gets all of it.
/// Shares refill from the given clock, and users who stopped sending are forgotten.
/// </summary>
internal sealed class SenderShares(RateLimit room, TimeSpan activeFor)
{
    private readonly Dictionary<string, Share> _senders = new(StringComparer.Ordinal);

    /// <summary>Takes one message from <paramref name="user"/>'s share; when it is spent, false and how long until it is not.</summary>
    public bool TryTake(string user, DateTimeOffset now, out TimeSpan retryAfter)
    {
        List<string>? gone = null;
        foreach (var (sender, tried) in _senders)
        {
            if (now - tried.TriedAt >= activeFor)
            {
                (gone ??= []).Add(sender);
            }
        }

        gone?.ForEach(sender => _senders.Remove(sender));

        var count = _senders.ContainsKey(user) ? _senders.Count : _senders.Count + 1;
        var (burst, refill) = ((double)room.Burst / count, (double)room.Refill / count);
        if (!_senders.TryGetValue(user, out var share))
        {
            share = _senders[user] = new Share { Tokens = burst, RefilledAt = now };
        }

        share.Tokens = Math.Min(Math.Max(burst, 1), share.Tokens + (now - share.RefilledAt) / room.RefillPeriod * refill);
        (share.RefilledAt, share.TriedAt) = (now, now);
        if (share.Tokens >= 1)
        {
            share.Tokens -= 1;
            retryAfter = TimeSpan.Zero;
            return true;
        }

        retryAfter = room.RefillPeriod * ((1 - share.Tokens) / refill);
        return false;
    }

    private sealed class Share
    {
        public double Tokens { get; set; }

        public DateTimeOffset RefilledAt { get; set; }

        public DateTimeOffset TriedAt { get; set; }
    }
}
