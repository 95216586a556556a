using Microsoft.Extensions.DependencyInjection;
using Orleans.TestingHost;
using OrleansChat.Grains;
using OrleansChat.Grains.Abstractions;
using OrleansChat.Grains.MessageLog;
using OrleansChat.Tests.Infrastructure;

namespace OrleansChat.Tests.Grains;

/// <summary>An in-process Orleans cluster hosting the room grain, with a history limit small enough to test.</summary>
public sealed class RoomClusterFixture : IAsyncLifetime
{
    public const int HistoryLimit = 5;

    /// <summary>Long enough that no other test's unrenewed joins expire while it runs.</summary>
    public static readonly TimeSpan PresenceLease = TimeSpan.FromSeconds(4);

    public InProcessTestCluster Cluster { get; private set; } = null!;

    public IClusterClient Client => Cluster.Client;

    public async Task InitializeAsync()
    {
        var builder = new InProcessTestClusterBuilder();
        var log = new MemoryMessageLog(); // one log for every silo, as one Redis would be
        builder.ConfigureSilo((_, silo) =>
        {
            silo.Services.AddSingleton<IMessageLog>(log);
            silo.AddMemoryGrainStorage(RoomStorage.Rooms);
            silo.AddMemoryGrainStorage(RoomStorage.PubSub);
            silo.AddRooms(TimeSpan.FromMilliseconds(10));
            silo.Services.Configure<RoomOptions>(options =>
            {
                options.HistoryLimit = HistoryLimit;
                options.PresenceLease = PresenceLease;
                options.PresenceSweepPeriod = TimeSpan.FromMilliseconds(250);
                options.LeaveGrace = TimeSpan.Zero;
            });
        });
        builder.ConfigureClient(client => client.AddMemoryStreams(RoomStreams.ProviderName));
        Cluster = builder.Build();
        await Cluster.DeployAsync();
    }

    public Task DisposeAsync() => Bounded.StopAsync(Cluster.DisposeAsync(), "Stopping the test cluster");
}

[CollectionDefinition(Name)]
public sealed class RoomClusterCollection : ICollectionFixture<RoomClusterFixture>
{
    public const string Name = "room cluster";
}
