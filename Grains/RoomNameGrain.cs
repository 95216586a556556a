using OrleansChat.Grains.Abstractions;

namespace OrleansChat.Grains;

/// <inheritdoc cref="IRoomNameGrain"/>
// Only a join that opens a room calls it, and nothing reads it between those calls: no reason to stay in memory.
[CollectionAgeLimit(Minutes = 2)]
public sealed class RoomNameGrain(
    [PersistentState("claim", RoomStorage.Rooms)] IPersistentState<RoomNameClaim> claim) : Grain, IRoomNameGrain
{
    public async Task<string?> ClaimAsync(string room)
    {
        if (claim.State.Room is { } holder && holder != room && await GrainFactory.GetGrain<IRoomGrain>(holder).InUseAsync())
        {
            return holder;
        }

        if (claim.State.Room != room)
        {
            claim.State.Room = room;
            await claim.WriteStateAsync();
        }

        return null;
    }

    public async Task ReleaseAsync(string room)
    {
        if (claim.State.Room == room)
        {
            claim.State.Room = null;
            await claim.ClearStateAsync();
        }
    }
}
