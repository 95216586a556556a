using Orleans.Concurrency;
using OrleansChat.Grains.Abstractions;

namespace OrleansChat.Grains;

/// <inheritdoc cref="IPingGrain"/>
[StatelessWorker]
public sealed class PingGrain : Grain, IPingGrain
{
    public Task PingAsync() => Task.CompletedTask;
}
