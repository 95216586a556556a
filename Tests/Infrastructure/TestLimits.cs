namespace OrleansChat.Tests.Infrastructure;

/// <summary>
/// Abuse limits out of the way: every test connects from 127.0.0.1 and many send fast, so servers shared by
/// tests lift them; the tests of the limits start servers with limits of their own (Tests/Security).
/// </summary>
public static class TestLimits
{
    public static readonly IReadOnlyDictionary<string, string> Generous = new Dictionary<string, string>
    {
        ["Limits__ConnectionsPerAddress"] = "100000",
        ["Limits__NewConnectionsPerAddress__Burst"] = "100000",
        ["Limits__NewConnectionsPerAddress__Refill"] = "100000",
        ["Limits__MessagesPerConnection__Burst"] = "100000",
        ["Limits__MessagesPerConnection__Refill"] = "100000",
        ["Limits__JoinsPerConnection__Burst"] = "100000",
        ["Limits__JoinsPerConnection__Refill"] = "100000",
        ["Limits__LeavesPerConnection__Burst"] = "100000",
        ["Limits__LeavesPerConnection__Refill"] = "100000",
        ["Limits__HistoryPerConnection__Burst"] = "100000",
        ["Limits__HistoryPerConnection__Refill"] = "100000",
        ["Limits__TypingPerConnection__Burst"] = "100000",
        ["Limits__TypingPerConnection__Refill"] = "100000",
        ["Limits__SearchesPerConnection__Burst"] = "100000",
        ["Limits__SearchesPerConnection__Refill"] = "100000",
        ["Limits__NewRoomsPerAddress__Burst"] = "100000",
        ["Limits__NewRoomsPerAddress__Refill"] = "100000",
        ["Room__Messages__Burst"] = "100000",
        ["Room__Messages__Refill"] = "100000",
        // "left" at once, as most tests expect; the grace period has tests of its own.
        ["Room__LeaveGrace"] = "00:00:00",
    };
}
