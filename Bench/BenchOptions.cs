namespace OrleansChat.Bench;

/// <summary>Command-line settings: <c>--name value</c> pairs after the mode.</summary>
public sealed record BenchOptions(string Mode, IReadOnlyDictionary<string, string> Values)
{
    public static BenchOptions Parse(string[] args)
    {
        if (args.Length == 0 || args[0].StartsWith("--", StringComparison.Ordinal))
        {
            throw new ArgumentException("usage: Bench <mode> [--name value ...]; modes: load, knee, overload, idle, shutdown, baseline, compare");
        }

        var values = new Dictionary<string, string>(StringComparer.OrdinalIgnoreCase);
        for (var i = 1; i < args.Length; i += 2)
        {
            if (!args[i].StartsWith("--", StringComparison.Ordinal) || i + 1 >= args.Length)
            {
                throw new ArgumentException($"expected --name value, found '{args[i]}'");
            }

            values[args[i][2..]] = args[i + 1];
        }

        return new BenchOptions(args[0], values);
    }

    public string Text(string name, string fallback) => Values.GetValueOrDefault(name, fallback);

    public int Number(string name, int fallback) => Values.TryGetValue(name, out var value) ? int.Parse(value) : fallback;

    public IReadOnlyList<Uri> Urls => Text("urls", "http://127.0.0.1:8080").Split(',').Select(u => new Uri(u)).ToList();
}
