using OrleansChat.Bench;

var options = BenchOptions.Parse(args);
return options.Mode switch
{
    "load" => await LoadMode.RunAsync(options),
    "knee" => await KneeMode.RunAsync(options),
    "idle" => await IdleMode.RunAsync(options),
    "shutdown" => await ShutdownMode.RunAsync(options),
    _ => throw new ArgumentException($"unknown mode '{options.Mode}'; modes: load, knee, idle, shutdown"),
};
