using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Http.Features;
using OrleansChat.WebFront;

namespace OrleansChat.Silo;

public static class ChatServerExtensions
{
    /// <summary>The port the chat listens on when <c>PORT</c> is not set.</summary>
    public const int DefaultPort = 8080;

    /// <summary>How long the host waits for its services to stop; <see cref="StopDeadline"/> ends the process 1 s after.</summary>
    public static readonly TimeSpan ShutdownTimeout = TimeSpan.FromSeconds(8);

    /// <summary>
    /// Everything one chat process runs for its <see cref="ChatRole"/>, listening on <c>$PORT</c> or 8080:
    /// the silo, the hub and the page, or a part of them, plus health endpoints and metrics.
    /// </summary>
    public static WebApplicationBuilder AddChatServer(this WebApplicationBuilder builder)
    {
        var deployment = ChatDeployment.From(builder.Configuration);
        builder.Services.AddSingleton(deployment);

        var port = builder.Configuration.GetValue("PORT", DefaultPort);
        // Explicit, so that neither ASPNETCORE_URLS nor a launch profile moves the chat off $PORT.
        builder.WebHost.ConfigureKestrel(kestrel => kestrel.ListenAnyIP(port));
        // Hub calls run on the socket's I/O thread instead of being handed to the thread pool first: every hub
        // code path awaits its I/O, and one hop less per frame is a wake-up less per message. 2,000 deliveries/s
        // in the first 45 s of a process on one core: 27-31 % -> 22-24 % of the core, p99 17-30 ms -> 6-11 ms;
        // at 40,000/s no change. (Inlining the sockets' own completions as well cost 15 % of throughput there.)
        builder.WebHost.UseSockets(sockets => sockets.UnsafePreferInlineScheduling = true);
        // Cloud Run sends SIGKILL 10 s after SIGTERM.
        builder.Services.Configure<HostOptions>(options => options.ShutdownTimeout = ShutdownTimeout);

        if (deployment.Redis is { } redis)
        {
            builder.Services.AddSingleton(_ => redis.Connect());
        }

        if (deployment.Role.HostsSilo())
        {
            builder.AddChatSilo(deployment);
        }
        else
        {
            builder.AddChatClient(deployment);
        }

        if (deployment.Role.ServesClients())
        {
            builder.Services.AddWebFront();
        }

        builder.AddChatHealth(deployment);
        builder.AddChatTelemetry(deployment);
        return builder;
    }

    public static WebApplication MapChatServer(this WebApplication app)
    {
        // Connected here, on start, rather than by the first room that needs it: a synchronous connect made
        // inside the first burst of room activations blocked thread-pool threads for seconds on one core.
        _ = app.Services.GetService<StackExchange.Redis.IConnectionMultiplexer>();
        if (app.Services.GetRequiredService<ChatDeployment>().Role.ServesClients())
        {
            app.MapWebFront();
        }

        app.MapChatHealth();
        app.Lifetime.ApplicationStarted.Register(() => LogStarted(app));
        return app;
    }

    /// <summary>The address a person on this machine opens, e.g. http://localhost:8080.</summary>
    public static Uri LocalAddress(this WebApplication app)
    {
        var address = app.Services.GetRequiredService<IServer>().Features.GetRequiredFeature<IServerAddressesFeature>().Addresses.First();
        return new UriBuilder(address) { Host = "localhost" }.Uri;
    }

    private static void LogStarted(WebApplication app)
    {
        var deployment = app.Services.GetRequiredService<ChatDeployment>();
        if (deployment.Role.ServesClients())
        {
            app.Logger.LogInformation("OrleansChat is running ({Deployment}). Open {Address} in a browser.", deployment.Describe(), app.LocalAddress());
        }
        else
        {
            app.Logger.LogInformation("OrleansChat is running ({Deployment}). Health: {Address}health/ready", deployment.Describe(), app.LocalAddress());
        }
    }
}
