using OrleansChat.Grains.MessageLog;

namespace OrleansChat.Tests.MessageLog;

public sealed class MemoryMessageLogTests : MessageLogContract
{
    protected override IMessageLog Log { get; } = new MemoryMessageLog();
}
