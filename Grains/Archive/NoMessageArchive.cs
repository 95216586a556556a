using OrleansChat.Grains.Abstractions;

namespace OrleansChat.Grains.Archive;

/// <summary>
/// The archive of a deployment that has none (no <c>ConnectionStrings__Archive</c>): it keeps nothing, so
/// history ends with the recent window, and searching says that it needs an archive.
/// </summary>
public sealed class NoMessageArchive : IMessageArchive
{
    public Task<ArchivedRoom> OpenAsync(string room, string proposedEpoch) => Task.FromResult(new ArchivedRoom(proposedEpoch, 0));

    public Task AppendAsync(string room, long expectedLastSeq, IReadOnlyList<ChatMessage> batch) => Task.CompletedTask;

    public Task SetEpochAsync(string room, string epoch) => Task.CompletedTask;

    public Task ForgetUnusedAsync(string room) => Task.CompletedTask;

    public Task<IReadOnlyList<ChatMessage>> ReadBeforeAsync(string room, long beforeSeq, int limit) =>
        Task.FromResult<IReadOnlyList<ChatMessage>>([]);

    public Task<IReadOnlyList<ChatMessage>> SearchAsync(string room, string query, long? beforeSeq, int limit) =>
        throw new ChatRuleException("search: needs the message archive, and this server has none (see ConnectionStrings__Archive in the README)");

    public Task<int> DeleteSentBeforeAsync(DateTimeOffset cutoff, int limit) => Task.FromResult(0);
}
