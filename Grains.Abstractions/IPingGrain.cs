namespace OrleansChat.Grains.Abstractions;

/// <summary>Answers when the cluster can run grain calls; readiness checks call it. It stores nothing.</summary>
public interface IPingGrain : IGrainWithIntegerKey
{
    Task PingAsync();
}
