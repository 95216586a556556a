using Microsoft.Extensions.Options;

namespace OrleansChat.Grains.Archive;

/// <summary>Archive settings, bound from the configuration section <c>Archive</c>; the archive itself is <c>ConnectionStrings:Archive</c>.</summary>
public sealed class ArchiveOptions
{
    public const string Section = "Archive";

    /// <summary>Messages older than this many days are removed in the background; unset keeps every message forever.</summary>
    public int? RetentionDays { get; set; }

    /// <summary>How many messages one retention delete removes at most, so that it never holds long locks.</summary>
    public int RetentionBatch { get; set; } = 5_000;

    /// <summary>How often retention looks for old messages; it deletes batch after batch until none is left.</summary>
    public TimeSpan RetentionPeriod { get; set; } = TimeSpan.FromHours(1);
}

public sealed class ArchiveOptionsValidator : IValidateOptions<ArchiveOptions>
{
    public ValidateOptionsResult Validate(string? name, ArchiveOptions options)
    {
        List<string> errors = [];
        if (options.RetentionDays is < 1)
            errors.Add($"{ArchiveOptions.Section}:{nameof(ArchiveOptions.RetentionDays)} must be unset (keep forever) or 1 or more, not {options.RetentionDays}.");
        if (options.RetentionBatch is < 1 or > 100_000)
            errors.Add($"{ArchiveOptions.Section}:{nameof(ArchiveOptions.RetentionBatch)} must be 1 to 100000, not {options.RetentionBatch}.");
        if (options.RetentionPeriod < TimeSpan.FromSeconds(1))
            errors.Add($"{ArchiveOptions.Section}:{nameof(ArchiveOptions.RetentionPeriod)} must be at least 00:00:01, not {options.RetentionPeriod}.");
        return errors.Count > 0 ? ValidateOptionsResult.Fail(errors) : ValidateOptionsResult.Success;
    }
}
