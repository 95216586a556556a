using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Options;
using Orleans.Storage;
using OrleansChat.Grains.Abstractions;
using OrleansChat.Grains.MessageLog;

namespace OrleansChat.Grains;

public static class RoomsSiloBuilderExtensions
{
    /// <summary>
    /// What every silo that hosts rooms needs besides its two storages (<see cref="RoomStorage"/>): the
    /// room stream provider, validated <see cref="RoomOptions"/> and a message log (the in-memory one
    /// unless an <see cref="IMessageLog"/> was registered before).
    /// </summary>
    public static ISiloBuilder AddRooms(this ISiloBuilder silo, TimeSpan streamPollingPeriod, int streamQueues = 1)
    {
        silo.AddMemoryStreams(RoomStreams.ProviderName, streams =>
        {
            streams.ConfigurePartitioning(streamQueues);
            streams.ConfigurePullingAgent(agent => agent.Configure(options =>
                options.GetQueueMsgsTimerPeriod = streamPollingPeriod));
        });
        silo.Services.AddOptions<RoomOptions>().BindConfiguration(RoomOptions.Section).ValidateOnStart();
        silo.Services.AddSingleton<IValidateOptions<RoomOptions>, RoomOptionsValidator>();
        silo.Services.AddSingleton(TimeProvider.System);
        silo.Services.TryAddSingleton<IMessageLog, MemoryMessageLog>();
        // Orleans' binary format instead of the default JSON, for the room's epoch and presence.
        silo.Services.AddSingleton<IGrainStorageSerializer, OrleansGrainStorageSerializer>();
        return silo;
    }
}
