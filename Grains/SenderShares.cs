using OrleansChat.Grains.Abstractions;

namespace OrleansChat.Grains;

/// <summary>
/// A room's message budget shared among whoever is sending: each of the n senders who tried to send within
/// <c>activeFor</c> gets 1/n of the room's burst and refill, so one sender cannot take the budget that the
/// others need; a sender alone in sending gets all of it. The room keys senders by client address, so names
/// and connections do not multiply a share (and people behind one address share one). Shares refill from the
/// given clock, and senders who stopped sending are forgotten.
/// </summary>
internal sealed class SenderShares(RateLimit room, TimeSpan activeFor)
{
    private readonly Dictionary<string, Share> _senders = new(StringComparer.Ordinal);

    /// <summary>Takes one message from <paramref name="sender"/>'s share; when it is spent, false and how long until it is not.</summary>
    public bool TryTake(string sender, DateTimeOffset now, out TimeSpan retryAfter)
    {
        List<string>? gone = null;
        foreach (var (other, tried) in _senders)
        {
            if (now - tried.TriedAt >= activeFor)
            {
                (gone ??= []).Add(other);
            }
        }

        gone?.ForEach(other => _senders.Remove(other));

        var count = _senders.ContainsKey(sender) ? _senders.Count : _senders.Count + 1;
        var (burst, refill) = ((double)room.Burst / count, (double)room.Refill / count);
        if (!_senders.TryGetValue(sender, out var share))
        {
            share = _senders[sender] = new Share { Tokens = burst, RefilledAt = now };
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
