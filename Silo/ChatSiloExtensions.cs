using System.Net;
using System.Net.NetworkInformation;
using System.Net.Sockets;
using Orleans.Configuration;
using Orleans.Serialization;
using OrleansChat.Grains;
using OrleansChat.Grains.Abstractions;
using OrleansChat.Grains.MessageLog;
using OrleansChat.Grains.Streams;
using StackExchange.Redis;

namespace OrleansChat.Silo;

public static class ChatSiloExtensions
{
    /// <summary>
    /// Hosts the Orleans silo in this process. With Redis configured: Redis clustering and Redis storage for
    /// rooms and stream subscriptions. Without: localhost clustering and in-memory storage. With an archive
    /// configured, either way, every message is also kept in PostgreSQL.
    /// </summary>
    public static WebApplicationBuilder AddChatSilo(this WebApplicationBuilder builder, ChatDeployment deployment)
    {
        var (cluster, redis) = (deployment.Cluster, deployment.Redis);
        builder.UseOrleans(silo =>
        {
            silo.Configure<ClusterOptions>(options =>
            {
                options.ClusterId = cluster.ClusterId;
                options.ServiceId = cluster.ServiceId;
            });
            if (redis is null)
            {
                silo.UseLocalhostClustering(cluster.SiloPort, cluster.GatewayPort, serviceId: cluster.ServiceId, clusterId: cluster.ClusterId);
                silo.AddMemoryGrainStorage(RoomStorage.Rooms);
                silo.AddMemoryGrainStorage(RoomStorage.PubSub);
            }
            else
            {
                silo.UseRedisClustering(options => options.ConfigurationOptions = redis.Options());
                silo.ConfigureEndpoints(AdvertisedAddress(cluster), cluster.SiloPort, cluster.GatewayPort, listenOnAnyHostAddress: true);
                // Cleared state is deleted, not written back empty: unused rooms and streams leave no keys.
                silo.AddRedisGrainStorage(RoomStorage.Rooms, options => (options.ConfigurationOptions, options.DeleteStateOnClear) = (redis.Options(), true));
                silo.AddRedisGrainStorage(RoomStorage.PubSub, options => (options.ConfigurationOptions, options.DeleteStateOnClear) = (redis.Options(), true));
                silo.Services.AddSingleton<IMessageLog>(services => new RedisMessageLog(
                    services.GetRequiredService<IConnectionMultiplexer>(), services.GetRequiredService<Serializer<ChatMessage>>(), cluster.ServiceId));
                silo.Services.AddSingleton<IQueueDoorbell>(services => new RedisQueueDoorbell(
                    services.GetRequiredService<IConnectionMultiplexer>(), $"{cluster.ServiceId}/{cluster.ClusterId}/room-queues",
                    services.GetRequiredService<ILogger<RedisQueueDoorbell>>()));
            }

            silo.Configure<ClusterMembershipOptions>(options =>
            {
                // A dead silo's rooms are unreachable until it is declared dead: 3 missed 2-second probes
                // instead of Orleans' 3 missed 5-second ones bring them back sooner.
                options.ProbeTimeout = TimeSpan.FromSeconds(2);
                options.NumMissedProbesLimit = 3;
            });
            silo.Configure<GrainCollectionOptions>(options =>
                options.DeactivationTimeout = TimeSpan.FromSeconds(3)); // rooms store on every write; nothing to flush
            silo.AddRooms(cluster.StreamPollingPeriod, cluster.StreamQueues, deployment.Archive);
        });
        builder.Services.Configure<ClusterMembershipOptions>(builder.Configuration.GetSection(ClusterSettings.Section + ":Membership"));
        return builder;
    }

    private static IPAddress AdvertisedAddress(ClusterSettings cluster)
    {
        if (!string.IsNullOrEmpty(cluster.AdvertisedIP))
        {
            return IPAddress.Parse(cluster.AdvertisedIP);
        }

        return NetworkInterface.GetAllNetworkInterfaces()
            .Where(nic => nic.OperationalStatus == OperationalStatus.Up && nic.NetworkInterfaceType != NetworkInterfaceType.Loopback)
            .SelectMany(nic => nic.GetIPProperties().UnicastAddresses)
            .Select(address => address.Address)
            .FirstOrDefault(address => address.AddressFamily == AddressFamily.InterNetwork)
            ?? IPAddress.Loopback;
    }
}
