using Microsoft.AspNetCore.SignalR;
using Microsoft.Extensions.DependencyInjection;
using OrleansChat.Grains.Abstractions;
using OrleansChat.Tests.Infrastructure;

namespace OrleansChat.Tests.Security;

/// <summary>How many rooms can be opened: per client address, per server, and in the whole service.</summary>
public sealed class RoomBoundsTests
{
    [Fact]
    public async Task AnAddressThatOpenedItsBudgetOfRoomsIsRefusedANewOneButJoinsRoomsInUse()
    {
        await using var server = await TestChatServer.StartAsync(new Dictionary<string, string?>
        {
            ["Limits:NewRoomsPerAddress:Burst"] = "3",
            ["Limits:NewRoomsPerAddress:Refill"] = "1",
            ["Limits:NewRoomsPerAddress:RefillPeriod"] = "00:10:00",
        });
        var grains = server.Services.GetRequiredService<IGrainFactory>();
        var inUse = Rooms.Fresh("in-use");
        await grains.GetGrain<IRoomGrain>(inUse).JoinAsync("elsewhere", "cleo-1", "Cleo", null);
        await using var mallory = await server.ConnectAsync();
        for (var i = 0; i < 3; i++)
        {
            await mallory.JoinAsync(Rooms.Fresh($"opened{i}"), "Mallory");
        }

        var refusedRoom = Rooms.Fresh("one-too-many");
        var refused = await Assert.ThrowsAsync<HubException>(() => mallory.JoinAsync(refusedRoom, "Mallory"));
        var joined = await mallory.JoinAsync(inUse, "Mallory");
        var probe = await grains.GetGrain<IRoomGrain>(refusedRoom).JoinAsync("elsewhere", "probe-1", "Probe", null);

        Assert.Contains("rate: one address may open 3 new rooms", refused.Message);
        Assert.Matches(@"\(retryAfterMs=\d+\)$", refused.Message);
        Assert.False(joined.Opened);
        Assert.Equal(["Cleo", "Mallory"], joined.Members.Order());
        Assert.True(probe.Opened, "the refused join was undone: the room was still unopened");
        Assert.Equal(["Probe"], probe.Members);
    }

    [Theory]
    [InlineData("Room:MaxActiveRooms", "rooms: this server holds its maximum of 2 active rooms")]
    [InlineData("Room:MaxClusterRooms", "rooms: the service holds its maximum of 2 active rooms across its servers")]
    public async Task AServiceAtARoomCapRefusesToOpenAnotherRoomAndKeepsTheOpenOnesReachable(string cap, string refusal)
    {
        await using var server = await TestChatServer.StartAsync(new Dictionary<string, string?> { [cap] = "2" });
        var (first, second) = (Rooms.Fresh("capped-a"), Rooms.Fresh("capped-b"));
        await using var ana = await server.ConnectAsync();
        await using var ben = await server.ConnectAsync();
        await ana.JoinAsync(first, "Ana");
        await ana.JoinAsync(second, "Ana");

        var refused = await Assert.ThrowsAsync<HubException>(() => ben.JoinAsync(Rooms.Fresh("capped-c"), "Ben"));
        var joined = await ben.JoinAsync(first, "Ben");

        Assert.StartsWith(refusal, refused.Message.Split("HubException: ")[^1]);
        Assert.Equal(["Ana", "Ben"], joined.Members.Order());
    }
}
