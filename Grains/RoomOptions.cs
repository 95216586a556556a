using Microsoft.Extensions.Options;

namespace OrleansChat.Grains;

/// <summary>Room settings, bound from the configuration section <c>Room</c>.</summary>
public sealed class RoomOptions
{
    public const string Section = "Room";

    /// <summary>How many recent messages a room retains for history, resume and retry detection.</summary>
    public int HistoryLimit { get; set; } = 100;
}

public sealed class RoomOptionsValidator : IValidateOptions<RoomOptions>
{
    public ValidateOptionsResult Validate(string? name, RoomOptions options) =>
        options.HistoryLimit is < 1 or > 10_000
            ? ValidateOptionsResult.Fail($"{RoomOptions.Section}:{nameof(RoomOptions.HistoryLimit)} must be 1 to 10000, not {options.HistoryLimit}.")
            : ValidateOptionsResult.Success;
}
