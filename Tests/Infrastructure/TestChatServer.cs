using Microsoft.AspNetCore.Builder;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using OrleansChat.Silo;

namespace OrleansChat.Tests.Infrastructure;

/// <summary>
/// The real chat server (silo, hub, relay and page, composed as Program.cs composes them) on real Kestrel
/// at a free loopback port, with its own cluster id and ports so servers of parallel tests never meet.
/// </summary>
public sealed class TestChatServer : IAsyncDisposable
{
    private readonly WebApplication _app;

    private TestChatServer(WebApplication app)
    {
        _app = app;
        Address = app.LocalAddress();
    }

    public Uri Address { get; }

    public IServiceProvider Services => _app.Services;

    /// <param name="settings">Configuration on top of the test defaults.</param>
    /// <param name="services">Registrations made before the server's own, e.g. a message log whose timing the test controls.</param>
    public static async Task<TestChatServer> StartAsync(IDictionary<string, string?>? settings = null, Action<IServiceCollection>? services = null)
    {
        var builder = WebApplication.CreateBuilder();
        builder.Configuration.AddInMemoryCollection(new Dictionary<string, string?>
        {
            ["PORT"] = "0",
            ["Orleans:ClusterId"] = $"test-{Guid.NewGuid():N}",
            ["Orleans:SiloPort"] = FreePort.Next().ToString(),
            ["Orleans:GatewayPort"] = FreePort.Next().ToString(),
        });
        builder.Configuration.AddInMemoryCollection(TestLimits.Generous.ToDictionary(s => s.Key.Replace("__", ":"), s => (string?)s.Value));
        if (settings is not null)
        {
            builder.Configuration.AddInMemoryCollection(settings);
        }

        builder.Logging.SetMinimumLevel(LogLevel.Warning);
        services?.Invoke(builder.Services);
        builder.AddChatServer();
        var app = builder.Build();
        app.MapChatServer();
        await app.StartAsync();
        return new TestChatServer(app);
    }

    /// <param name="forwardedFor">The client's address as a load balancer reports it (the server must trust it: <c>Limits:TrustForwardedFor</c>).</param>
    public Task<ChatTestClient> ConnectAsync(string? forwardedFor = null) => ChatTestClient.ConnectAsync(Address, forwardedFor: forwardedFor);

    // The host gives its services 8 s to stop; one that ignores that fails the test instead of hanging the run.
    public async ValueTask DisposeAsync()
    {
        await Bounded.WithinAsync(_app.StopAsync(), Bounded.Stop, $"Stopping the chat server at {Address}");
        await Bounded.StopAsync(_app.DisposeAsync(), $"Disposing the chat server at {Address}");
    }
}
