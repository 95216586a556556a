using OrleansChat.Bench;
using OrleansChat.Bench.Baseline;

var options = BenchOptions.Parse(args);
return options.Mode switch
{
    "load" => await LoadMode.RunAsync(options),
    "knee" => await KneeMode.RunAsync(options),
    "overload" => await OverloadMode.RunAsync(options),
    "idle" => await IdleMode.RunAsync(options),
    "shutdown" => await ShutdownMode.RunAsync(options),
    "baseline" => await BaselineMode.RunAsync(options),
    "compare" => await CompareMode.RunAsync(options),
    _ => throw new ArgumentException($"unknown mode '{options.Mode}'; modes: load, knee, overload, idle, shutdown, baseline, compare"),
};
