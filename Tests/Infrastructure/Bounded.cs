namespace OrleansChat.Tests.Infrastructure;

/// <summary>
/// Waits that must end, such as stopping a server or a cluster: past the limit the test fails and names
/// what did not finish, instead of the whole run hanging on it.
/// </summary>
public static class Bounded
{
    /// <summary>For stopping anything the tests start: far past what any stop takes here (a few seconds).</summary>
    public static readonly TimeSpan Stop = TimeSpan.FromSeconds(60);

    public static async Task WithinAsync(Task task, TimeSpan limit, string what)
    {
        try
        {
            await task.WaitAsync(limit);
        }
        catch (TimeoutException)
        {
            throw new TimeoutException($"{what} did not finish within {limit.TotalSeconds:0} s.");
        }
    }

    public static Task StopAsync(ValueTask stop, string what) => WithinAsync(stop.AsTask(), Stop, what);
}
