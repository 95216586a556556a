using Microsoft.AspNetCore.SignalR;
using OrleansChat.Grains.Abstractions;

namespace OrleansChat.WebFront;

/// <summary>
/// Turns a broken input rule, whether the hub or a grain found it, into a <see cref="HubException"/>
/// whose message reaches the caller; SignalR hides the message of any other exception.
/// </summary>
public sealed class ChatRuleFilter : IHubFilter
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
            throw new HubException(exception.Message);
        }
    }
}
