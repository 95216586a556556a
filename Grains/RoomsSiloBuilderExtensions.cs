using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;
using Orleans.Storage;
using OrleansChat.Grains.Abstractions;

namespace OrleansChat.Grains;

public static class RoomsSiloBuilderExtensions
{
    /// <summary>
    /// What every silo that hosts rooms needs besides its two storages (<see cref="RoomStorage"/>): the
    /// room stream provider and validated <see cref="RoomOptions"/>.
    /// </summary>
    public static ISiloBuilder AddRooms(this ISiloBuilder silo, TimeSpan streamPollingPeriod)
    {
        silo.AddMemoryStreams(RoomStreams.ProviderName, streams =>
        {
            // One queue: the latency is the same as with eight and the idle polling costs an eighth.
            streams.ConfigurePartitioning(1);
            streams.ConfigurePullingAgent(agent => agent.Configure(options =>
                options.GetQueueMsgsTimerPeriod = streamPollingPeriod));
        });
        silo.Services.AddOptions<RoomOptions>().BindConfiguration(RoomOptions.Section).ValidateOnStart();
        silo.Services.AddSingleton<IValidateOptions<RoomOptions>, RoomOptionsValidator>();
        silo.Services.AddSingleton(TimeProvider.System);
        // Orleans' binary format instead of the default JSON: a room rewrites its history with every message,
        // and the JSON serializer was the largest single cost of a send.
        silo.Services.AddSingleton<IGrainStorageSerializer, OrleansGrainStorageSerializer>();
        return silo;
    }
}
