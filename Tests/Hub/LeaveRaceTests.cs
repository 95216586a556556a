using Microsoft.Extensions.DependencyInjection;
using OrleansChat.Grains.Abstractions;
using OrleansChat.Tests.Infrastructure;

namespace OrleansChat.Tests.Hub;

/// <summary>A presence renewal that runs while a Leave is on its way to the room must not bring the member back.</summary>
public sealed class LeaveRaceTests
{
    [Fact]
    public async Task ARenewalMadeWhileALeaveIsUnderWayDoesNotListTheLeavingConnection()
    {
        var room = Rooms.Fresh("leave-race");
        var race = new HeldLeave();
        await using var server = await TestChatServer.StartAsync(
            new Dictionary<string, string?> { ["Relay:PresenceRenewalPeriod"] = "00:00:00.1" },
            services =>
            {
                services.AddSingleton<IIncomingGrainCallFilter>(race);
                services.AddSingleton<IOutgoingGrainCallFilter>(race);
            });
        await using var ana = await server.ConnectAsync();
        await using var ben = await server.ConnectAsync();
        await ana.JoinAsync(room, "Ana");
        await ben.JoinAsync(room, "Ben");

        race.HoldNextLeave();
        await ana.LeaveAsync(room); // held at the room until a renewal has gone out from the relay meanwhile
        var renewed = await race.RenewalDuringLeave;
        await race.RenewalDone;
        var joined = await ben.JoinAsync(room, "Ben");

        Assert.Equal(["Ben"], renewed.Select(c => c.User));
        Assert.Equal(["Ben"], joined.Members);
    }

    /// <summary>
    /// Holds a room's LeaveAsync until the relay has sent a presence renewal for the room, and records what
    /// that renewal listed: the interleaving in which a renewal could add the member back.
    /// </summary>
    private sealed class HeldLeave : IIncomingGrainCallFilter, IOutgoingGrainCallFilter
    {
        private readonly TaskCompletionSource<IReadOnlyList<RoomConnection>> _renewal = new(TaskCreationOptions.RunContinuationsAsynchronously);
        private readonly TaskCompletionSource _renewalDone = new(TaskCreationOptions.RunContinuationsAsynchronously);
        private volatile bool _holding;
        private volatile bool _leaveHeld;

        public Task<IReadOnlyList<RoomConnection>> RenewalDuringLeave => _renewal.Task;

        public Task RenewalDone => _renewalDone.Task;

        public void HoldNextLeave() => _holding = true;

        public async Task Invoke(IIncomingGrainCallContext context)
        {
            if (_holding && context.InterfaceMethod.Name == nameof(IRoomGrain.LeaveAsync))
            {
                _holding = false;
                _leaveHeld = true;
                await _renewal.Task;
            }

            await context.Invoke();
        }

        public async Task Invoke(IOutgoingGrainCallContext context)
        {
            var record = _leaveHeld && context.InterfaceMethod.Name == nameof(IRoomGrain.RenewPresenceAsync) && !_renewal.Task.IsCompleted;
            if (record)
            {
                _renewal.TrySetResult((IReadOnlyList<RoomConnection>)context.Request.GetArgument(1)!);
            }

            await context.Invoke();
            if (record)
            {
                _renewalDone.TrySetResult();
            }
        }
    }
}
