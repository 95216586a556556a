using OrleansChat.Tests.Infrastructure;

namespace OrleansChat.Tests.Hub;

/// <summary>One embedded-mode chat server shared by the hub tests; each test uses rooms of its own.</summary>
public sealed class ChatServerFixture : IAsyncLifetime
{
    public TestChatServer Server { get; private set; } = null!;

    public async Task InitializeAsync() => Server = await TestChatServer.StartAsync();

    public async Task DisposeAsync() => await Server.DisposeAsync();
}

[CollectionDefinition(Name)]
public sealed class ChatServerCollection : ICollectionFixture<ChatServerFixture>
{
    public const string Name = "chat server";
}
