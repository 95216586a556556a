using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Options;

namespace OrleansChat.WebFront.Security;

/// <summary>
/// Refuses hub handshakes from pages of other sites (cross-site WebSocket hijacking: CORS does not apply
/// to WebSockets). Allowed: the service's own origin and <see cref="LimitsOptions.AllowedOrigins"/>.
/// </summary>
public sealed class OriginGate(RequestDelegate next, IOptions<LimitsOptions> limits)
{
    public Task InvokeAsync(HttpContext context)
    {
        var origin = context.Request.Headers.Origin.ToString();
        if (origin.Length == 0 || !context.Request.Path.StartsWithSegments(WebFrontExtensions.HubPath) || IsAllowed(origin, context.Request))
        {
            return next(context);
        }

        context.Response.StatusCode = StatusCodes.Status403Forbidden;
        return context.Response.WriteAsync($"origin: '{origin}' may not open chat connections");
    }

    private bool IsAllowed(string origin, HttpRequest request) =>
        Uri.TryCreate(origin, UriKind.Absolute, out var uri)
        && (string.Equals(uri.Authority, request.Host.Value, StringComparison.OrdinalIgnoreCase)
            || limits.Value.AllowedOrigins.Any(allowed => Uri.TryCreate(allowed, UriKind.Absolute, out var a)
                && a.Scheme == uri.Scheme && string.Equals(a.Authority, uri.Authority, StringComparison.OrdinalIgnoreCase)));
}
