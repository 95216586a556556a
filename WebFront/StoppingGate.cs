using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Hosting;
using OrleansChat.WebFront.Hubs;

namespace OrleansChat.WebFront;

/// <summary>
/// Once the process is stopping, new hub connections are refused with 503, so that clients the shutdown
/// asked to reconnect land on another instance instead of back on this one.
/// </summary>
public sealed class StoppingGate(RequestDelegate next, IHostApplicationLifetime lifetime)
{
    public Task InvokeAsync(HttpContext context)
    {
        if (lifetime.ApplicationStopping.IsCancellationRequested && context.Request.Path.StartsWithSegments(WebFrontExtensions.HubPath))
        {
            context.Response.StatusCode = StatusCodes.Status503ServiceUnavailable;
            context.Response.Headers.RetryAfter = "1";
            return Task.CompletedTask;
        }

        return next(context);
    }
}
