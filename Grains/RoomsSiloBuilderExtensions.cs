using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Npgsql;
using Orleans.Configuration;
using Orleans.Hosting;
using Orleans.Storage;
using OrleansChat.Grains.Abstractions;
using OrleansChat.Grains.Archive;
using OrleansChat.Grains.MessageLog;
using OrleansChat.Grains.Streams;

namespace OrleansChat.Grains;

public static class RoomsSiloBuilderExtensions
{
    /// <summary>
    /// What every silo that hosts rooms needs besides its two storages (<see cref="RoomStorage"/>): the
    /// room stream provider, validated <see cref="RoomOptions"/> and a message log (the in-memory one
    /// unless an <see cref="IMessageLog"/> was registered before). With <paramref name="archive"/> (an Npgsql
    /// connection string) every message is also kept in PostgreSQL, which the log then serves as a cache of.
    /// </summary>
    public static ISiloBuilder AddRooms(this ISiloBuilder silo, TimeSpan streamIdleRead, int streamQueues = 1, string? archive = null)
    {
        silo.Services.Configure<RoomStreamOptions>(options => options.IdleRead = streamIdleRead);
        silo.Services.TryAddSingleton<IQueueDoorbell, LocalQueueDoorbell>();
        var streams = new SiloRecoverableStreamConfigurator(
            RoomStreams.ProviderName, configure => silo.ConfigureServices(configure), RoomQueueAdapterFactory.Create);
        streams.Configure<HashRingStreamQueueMapperOptions>(options => options.Configure(mapper => mapper.TotalQueueCount = streamQueues));
        // The agent reads when the queue's doorbell rings (RoomQueueAdapterFactory); this is only the rest
        // between one round of reads that emptied the queue and the next wait for the bell.
        streams.ConfigurePullingAgent(agent => agent.Configure(options => options.GetQueueMsgsTimerPeriod = TimeSpan.FromMilliseconds(1)));
        silo.Services.AddOptions<RoomOptions>().BindConfiguration(RoomOptions.Section).ValidateOnStart();
        silo.Services.AddSingleton<IValidateOptions<RoomOptions>, RoomOptionsValidator>();
        silo.Services.TryAddSingleton(TimeProvider.System);
        silo.Services.AddSingleton<ActiveRooms>();
        silo.Services.AddSingleton<RoomCensusReporter>();
        silo.Services.AddSingleton<ILifecycleParticipant<ISiloLifecycle>>(provider => provider.GetRequiredService<RoomCensusReporter>());
        silo.Services.TryAddSingleton<IMessageLog, MemoryMessageLog>();
        if (archive is null)
        {
            silo.Services.AddSingleton<IMessageArchive, NoMessageArchive>();
        }
        else
        {
            silo.Services.AddArchive(archive);
        }

        // Orleans' binary format instead of the default JSON, for the room's presence.
        silo.Services.AddSingleton<IGrainStorageSerializer, OrleansGrainStorageSerializer>();
        return silo;
    }

    private static void AddArchive(this IServiceCollection services, string connectionString)
    {
        services.AddSingleton(_ =>
        {
            var builder = new NpgsqlDataSourceBuilder(connectionString);
            // The archive uses a handful of statements and changes no session state: prepared once per
            // connection, and no DISCARD ALL on every return to the pool, which would drop them again.
            builder.ConnectionStringBuilder.NoResetOnClose = true;
            if (builder.ConnectionStringBuilder.MaxAutoPrepare == 0)
            {
                builder.ConnectionStringBuilder.MaxAutoPrepare = 16;
            }

            return builder.Build();
        });
        services.AddSingleton<IMessageArchive, PostgresMessageArchive>();
        services.AddOptions<ArchiveOptions>().BindConfiguration(ArchiveOptions.Section).ValidateOnStart();
        services.AddSingleton<IValidateOptions<ArchiveOptions>, ArchiveOptionsValidator>();
        services.AddSingleton<ArchiveRetention>();
        services.AddHostedService(provider => provider.GetRequiredService<ArchiveRetention>());

        // The log registered so far becomes the archive's cache.
        var cache = services.Last(service => service.ServiceType == typeof(IMessageLog));
        services.Remove(cache);
        services.AddSingleton<IMessageLog>(provider => new ArchivedMessageLog(
            Resolve(cache, provider), provider.GetRequiredService<IMessageArchive>(), provider.GetRequiredService<ILogger<ArchivedMessageLog>>()));
    }

    private static IMessageLog Resolve(ServiceDescriptor service, IServiceProvider provider) =>
        (IMessageLog)(service.ImplementationInstance
            ?? service.ImplementationFactory?.Invoke(provider)
            ?? ActivatorUtilities.CreateInstance(provider, service.ImplementationType!));
}
