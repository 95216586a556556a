using OrleansChat.Grains.Abstractions;

namespace OrleansChat.WebFront.Security;

/// <summary>
/// The rate limits of one hub connection, one bucket per kind of call (docs/limits.md). A refusal is a
/// <c>rate:</c> error that ends with the wait in milliseconds in a form clients can read:
/// <c>(retryAfterMs=1200)</c>.
/// </summary>
public sealed class ConnectionLimits(LimitsOptions limits, TimeProvider time)
{
    private readonly Limited _messages = new(limits.MessagesPerConnection, time, "a connection may send", "messages");
    private readonly Limited _searches = new(limits.SearchesPerConnection, time, "a connection may search", "times");
    private readonly Limited _joins = new(limits.JoinsPerConnection, time, "a connection may join", "times");
    private readonly Limited _leaves = new(limits.LeavesPerConnection, time, "a connection may leave", "times");
    private readonly Limited _history = new(limits.HistoryPerConnection, time, "a connection may read history", "times");
    private readonly Limited _typing = new(limits.TypingPerConnection, time, "a connection may send", "typing notices");

    public void AdmitMessage() => _messages.Admit();

    public void AdmitSearch() => _searches.Admit();

    public void AdmitJoin() => _joins.Admit();

    public void AdmitLeave() => _leaves.Admit();

    public void AdmitHistory() => _history.Admit();

    /// <summary>Typing notices past the limit are dropped without an error: they are hints, and the room coalesces them anyway.</summary>
    public bool AdmitTyping() => _typing.TryAdmit();

    private sealed class Limited(RateLimit limit, TimeProvider time, string action, string things)
    {
        private readonly TokenBucket _bucket = new(limit, time);

        public bool TryAdmit() => _bucket.TryTake(out _);

        public void Admit()
        {
            if (!_bucket.TryTake(out var retryAfter))
            {
                throw new ChatRuleException($"rate: {action} {limit.Describe(things)}; {RateLimit.RetryIn(retryAfter)}");
            }
        }
    }
}
