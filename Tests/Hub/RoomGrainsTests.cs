using Microsoft.Extensions.DependencyInjection;
using OrleansChat.Grains.Abstractions;
using OrleansChat.Tests.Infrastructure;
using OrleansChat.WebFront.Hubs;

namespace OrleansChat.Tests.Hub;

/// <summary>The hub's cached way to a room grain reaches the same grain, as the same interface, as Orleans' own lookup.</summary>
[Collection(ChatServerCollection.Name)]
public sealed class RoomGrainsTests(ChatServerFixture fixture)
{
    [Fact]
    public async Task AReferenceIsTheRoomGrainOrleansNamesAndReachesItsState()
    {
        var room = Rooms.Fresh("reference");
        await using var ana = await fixture.Server.ConnectAsync();
        await ana.JoinAsync(room, "Ana");
        var sent = await ana.SendAsync(room, "hello");
        var services = fixture.Server.Services;

        var cached = services.GetRequiredService<RoomGrains>().For(room);
        var looked = services.GetRequiredService<IGrainFactory>().GetGrain<IRoomGrain>(room);

        Assert.Equal(looked.GetGrainId(), cached.GetGrainId());
        Assert.Equal(((GrainReference)looked).InterfaceType, ((GrainReference)cached).InterfaceType);
        Assert.Equal([sent.Id], (await cached.GetMessagesAfterAsync(0, 10)).Select(m => m.Id));
    }
}
