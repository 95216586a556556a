using Orleans.Concurrency;

namespace OrleansChat.Grains.Abstractions;

/// <summary>
/// One look-alike key of room names (<see cref="NameRules.Key"/> of a normalized room name) and the room
/// that holds it: rooms whose names a person could not tell apart are one name, so only one of them can be
/// in use. A room claims its key when a join opens it and gives it up when it is forgotten as unused; the
/// claim is in grain storage, so it outlives the activations of both grains.
/// </summary>
public interface IRoomNameGrain : IGrainWithStringKey
{
    /// <summary>
    /// Claims the key for <paramref name="room"/> and returns null when the room holds it now: it was free,
    /// held by the same room, or held by a room no longer in use (<see cref="IRoomGrain.InUseAsync"/>). Otherwise
    /// returns the name of the room in use that holds it, and changes nothing. A claim is stored before this returns.
    /// </summary>
    Task<string?> ClaimAsync(string room);

    /// <summary>
    /// Gives the key up when <paramref name="room"/> holds it. One-way, so that a room forgetting itself while
    /// it deactivates never waits on a claim that is asking whether it is in use; a release that is lost
    /// leaves a claim that the next <see cref="ClaimAsync"/> finds unused.
    /// </summary>
    [OneWay]
    Task ReleaseAsync(string room);
}
