namespace OrleansChat.Grains.Abstractions;

/// <summary>Which room holds a look-alike key of room names, as stored in grain storage (<see cref="IRoomNameGrain"/>).</summary>
[GenerateSerializer]
public sealed class RoomNameClaim
{
    [Id(0)] public string? Room { get; set; }
}
