using Microsoft.AspNetCore.SignalR;
using Microsoft.Extensions.Logging;
using OrleansChat.Grains.Abstractions;

namespace OrleansChat.WebFront.Hubs;

/// <summary>
/// Turns a broken input rule, whether the hub or a grain found it, into a <see cref="HubException"/>
/// whose message reaches the caller; SignalR hides the message of any other exception. It also does the
/// logging of failed invocations (SignalR's own is turned off, see <see cref="WebFrontExtensions"/>): a
/// broken rule is the client's mistake and logged at Debug, so bad input cannot flood the logs; anything
/// else is ours and logged as an error.
/// </summary>
public sealed class ChatRuleFilter(ILogger<ChatRuleFilter> logger) : IHubFilter
{
    public async ValueTask<object?> InvokeMethodAsync(
        HubInvocationContext invocationContext, Func<HubInvocationContext, ValueTask<object?>> next)
    {
        try
        {
            return await next(invocationContext);
        }
        catch (ChatRuleException exception)
        {
            logger.LogDebug("{Method} refused: {Rule}", invocationContext.HubMethodName, exception.Message);
            throw new HubException(exception.Message);
        }
        catch (Exception exception) when (exception is not HubException)
        {
            logger.LogError(exception, "{Method} failed on connection {ConnectionId}", invocationContext.HubMethodName, invocationContext.Context.ConnectionId);
            throw;
        }
    }
}
