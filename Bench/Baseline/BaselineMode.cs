using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

namespace OrleansChat.Bench.Baseline;

/// <summary>
/// Serves the bare hub at <c>/hubs/chat</c> until stopped, printing the same start-up line as the service
/// so <c>scripts/bench.sh</c> can wait for either:
///   Bench baseline --port 9500
/// </summary>
public static class BaselineMode
{
    public static async Task<int> RunAsync(BenchOptions options)
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.Logging.SetMinimumLevel(LogLevel.Warning);
        builder.WebHost.ConfigureKestrel(kestrel => kestrel.ListenAnyIP(options.Number("port", 9500)));
        builder.Services.AddSignalR();
        builder.Services.AddSingleton<BaselineRooms>();
        var app = builder.Build();
        app.UseWebSockets();
        app.MapHub<BaselineHub>("/hubs/chat");
        app.Lifetime.ApplicationStarted.Register(() => Console.WriteLine("OrleansChat is running (bare SignalR baseline)."));
        await app.RunAsync();
        return 0;
    }
}
