using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http.Connections;
using Microsoft.AspNetCore.HttpOverrides;
using Microsoft.AspNetCore.RateLimiting;
using Microsoft.AspNetCore.Routing;
using Microsoft.AspNetCore.SignalR;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.FileProviders;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using OrleansChat.WebFront.Hubs;
using OrleansChat.WebFront.Relay;
using OrleansChat.WebFront.Security;

namespace OrleansChat.WebFront;

public static class WebFrontExtensions
{
    /// <summary>The path of the chat hub.</summary>
    public const string HubPath = "/hubs/chat";

    /// <summary>Adds the chat hub and the room relay; needs an <see cref="IClusterClient"/> in the container.</summary>
    public static IServiceCollection AddWebFront(this IServiceCollection services)
    {
        services.AddSignalR(options => options.AddFilter<ChatRuleFilter>());
        // It logs every refused invocation as an error with a stack trace; ChatRuleFilter logs them instead.
        services.AddLogging(logging => logging.AddFilter("Microsoft.AspNetCore.SignalR.Internal.DefaultHubDispatcher", LogLevel.Critical));
        services.AddOptions<LimitsOptions>().BindConfiguration(LimitsOptions.Section).ValidateOnStart();
        services.AddSingleton<IValidateOptions<LimitsOptions>, LimitsOptionsValidator>();
        services.AddOptions<HubOptions>().Configure<IOptions<LimitsOptions>>((hub, limits) =>
        {
            hub.MaximumReceiveMessageSize = limits.Value.MaximumReceiveMessageSize;
            hub.MaximumParallelInvocationsPerClient = limits.Value.ParallelInvocationsPerConnection;
        });
        services.AddRateLimiter(_ => { });
        services.AddOptions<RateLimiterOptions>().Configure<IOptions<LimitsOptions>>((options, limits) =>
            AddressLimits.Configure(options, limits.Value));
        services.AddOptions<RelayOptions>().BindConfiguration(RelayOptions.Section).ValidateOnStart();
        services.AddSingleton<IValidateOptions<RelayOptions>, RelayOptionsValidator>();
        services.TryAddSingleton(TimeProvider.System);
        services.AddSingleton<ChatMetrics>();
        services.AddSingleton<ConnectionLifetime>();
        services.AddSingleton<ClientConnections>();
        services.AddSingleton<HubLifetimeManager<ChatHub>>(sp => sp.GetRequiredService<ClientConnections>());
        services.AddSingleton<RoomRelay>();
        services.AddSingleton<SendAdmission>();
        services.AddSingleton<RoomGrains>();
        services.AddSingleton<RoomMembership>();
        services.AddSingleton<RoomOpenings>();
        services.AddHostedService(sp => sp.GetRequiredService<RoomRelay>());
        return services;
    }

    /// <summary>Serves the chat page at <c>/</c> and the hub at <see cref="HubPath"/>, WebSockets only.</summary>
    public static IEndpointRouteBuilder MapWebFront(this WebApplication app)
    {
        if (app.Services.GetRequiredService<IOptions<LimitsOptions>>().Value.TrustForwardedFor)
        {
            // The load balancer appends the client's address last; entries before it are the client's word.
            var forwarded = new ForwardedHeadersOptions { ForwardedHeaders = ForwardedHeaders.XForwardedFor, ForwardLimit = 1 };
            forwarded.KnownIPNetworks.Clear();
            forwarded.KnownProxies.Clear();
            app.UseForwardedHeaders(forwarded);
        }

        app.UseMiddleware<SecurityHeaders>();

        // The page ships next to the assemblies (see WebFront.csproj), wherever the host's content root is.
        var files = new PhysicalFileProvider(Path.Combine(AppContext.BaseDirectory, "wwwroot"));
        app.UseDefaultFiles(new DefaultFilesOptions { FileProvider = files });
        app.UseStaticFiles(new StaticFileOptions { FileProvider = files });

        app.UseMiddleware<StoppingGate>();
        app.UseMiddleware<OriginGate>();
        app.UseRateLimiter();

        // No sticky sessions: a negotiate request and the socket it prepares may reach different instances.
        app.MapHub<ChatHub>(HubPath, options => options.Transports = HttpTransportType.WebSockets);
        return app;
    }
}
