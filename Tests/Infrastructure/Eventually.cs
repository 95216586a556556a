namespace OrleansChat.Tests.Infrastructure;

/// <summary>Waits for a condition on server state that raises no event of its own, checking it every few milliseconds.</summary>
public static class Eventually
{
    public static async Task TrueAsync(Func<bool> condition, string expectation, TimeSpan? timeout = null)
    {
        using var expiry = new CancellationTokenSource(timeout ?? Inbox<object>.DefaultTimeout);
        while (!condition())
        {
            try
            {
                await Task.Delay(TimeSpan.FromMilliseconds(10), expiry.Token);
            }
            catch (OperationCanceledException)
            {
                throw new TimeoutException($"Timed out waiting for {expectation}.");
            }
        }
    }
}
