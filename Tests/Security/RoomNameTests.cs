using Microsoft.AspNetCore.SignalR;
using OrleansChat.Tests.Hub;
using OrleansChat.Tests.Infrastructure;

namespace OrleansChat.Tests.Security;

/// <summary>Two room names a person could not tell apart are one name: only one of them can be in use.</summary>
[Collection(ChatServerCollection.Name)]
public sealed class RoomNameTests(ChatServerFixture fixture)
{
    [Theory]
    [InlineData("g\u0435n\u0435ral")] // Cyrillic е
    [InlineData("ｇｅｎｅｒａｌ")] // full-width
    public async Task ALookAlikeOfARoomInUseIsRefusedNamingTheRoom(string lookAlike)
    {
        var room = Rooms.Fresh("general");
        var imitation = lookAlike + room["general".Length..];
        await using var ana = await fixture.Server.ConnectAsync();
        await using var mallory = await fixture.Server.ConnectAsync();
        await ana.JoinAsync(room, "Ana");

        var refused = await Assert.ThrowsAsync<HubException>(() => mallory.JoinAsync(imitation, "Mallory"));
        var joined = await mallory.JoinAsync(room, "Mallory");

        Assert.StartsWith($"room: '{room}' is in use, and '{imitation}' looks the same", refused.Message.Split("HubException: ")[^1]);
        Assert.Equal(["Ana", "Mallory"], joined.Members.Order());
    }

    [Fact]
    public async Task ARoomWithMessagesKeepsItsNameAfterEveryoneLeft()
    {
        var room = Rooms.Fresh("kept");
        var imitation = "k\u0435pt" + room["kept".Length..];
        await using var ana = await fixture.Server.ConnectAsync();
        await ana.JoinAsync(room, "Ana");
        await ana.SendAsync(room, "hello");
        await ana.LeaveAsync(room);
        await using var mallory = await fixture.Server.ConnectAsync();

        var refused = await Assert.ThrowsAsync<HubException>(() => mallory.JoinAsync(imitation, "Mallory"));

        Assert.Contains($"room: '{room}' is in use", refused.Message);
    }

    [Fact]
    public async Task ALookAlikeOfARoomNobodyUsesAnyMoreMayOpen()
    {
        var room = Rooms.Fresh("left");
        var lookAlike = "l\u0435ft" + room["left".Length..];
        await using var ana = await fixture.Server.ConnectAsync();
        await ana.JoinAsync(room, "Ana");
        await ana.LeaveAsync(room);
        await using var ben = await fixture.Server.ConnectAsync();

        var joined = await ben.JoinAsync(lookAlike, "Ben");

        Assert.True(joined.Opened);
        Assert.Equal(["Ben"], joined.Members);
    }
}
