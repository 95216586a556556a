using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Http.Features;
using OrleansChat.WebFront;

namespace OrleansChat.Silo;

public static class ChatServerExtensions
{
    /// <summary>The port the chat listens on when <c>PORT</c> is not set.</summary>
    public const int DefaultPort = 8080;

    /// <summary>Everything one chat process runs: the silo, the hub and the page, on <c>$PORT</c> or 8080.</summary>
    public static WebApplicationBuilder AddChatServer(this WebApplicationBuilder builder)
    {
        var port = builder.Configuration.GetValue("PORT", DefaultPort);
        // Explicit, so that neither ASPNETCORE_URLS nor a launch profile moves the chat off $PORT.
        builder.WebHost.ConfigureKestrel(kestrel => kestrel.ListenAnyIP(port));
        builder.Services.Configure<HostOptions>(options => options.ShutdownTimeout = TimeSpan.FromSeconds(8));
        builder.AddChatSilo();
        builder.Services.AddWebFront();
        return builder;
    }

    public static WebApplication MapChatServer(this WebApplication app)
    {
        app.MapWebFront();
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
        var mode = app.Services.GetRequiredService<ChatMode>();
        var cluster = app.Services.GetRequiredService<ClusterSettings>();
        app.Logger.LogInformation("OrleansChat is running in {Mode} (cluster {ClusterId}). Open {Address} in a browser.",
            mode.Describe(), cluster.ClusterId, app.LocalAddress());
    }
}
