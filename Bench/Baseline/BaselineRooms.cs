namespace OrleansChat.Bench.Baseline;

/// <summary>The bare hub's rooms, in memory: a seq counter and the last 100 messages each.</summary>
public sealed class BaselineRooms
{
    private const int Retained = 100;
    private readonly System.Collections.Concurrent.ConcurrentDictionary<string, Room> _rooms = new(StringComparer.Ordinal);

    public Room Get(string name) => _rooms.GetOrAdd(name, n => new Room(n));

    public sealed class Room(string name)
    {
        private readonly Queue<BaselineMessage> _recent = new();
        private long _lastSeq;

        public (List<BaselineMessage> Messages, long LastSeq) Since(long since)
        {
            lock (_recent)
            {
                return ([.. _recent.Where(m => m.Seq > since)], _lastSeq);
            }
        }

        /// <summary>Numbers and keeps a message and starts its delivery under the room's lock, so every member gets the room's messages in seq order.</summary>
        public (BaselineMessage Message, Task Delivery) Append(string user, string text, string? clientMessageId, Func<BaselineMessage, Task> deliver)
        {
            lock (_recent)
            {
                var message = new BaselineMessage(name, ++_lastSeq, clientMessageId ?? Guid.NewGuid().ToString("N"), user, text, DateTimeOffset.UtcNow);
                _recent.Enqueue(message);
                if (_recent.Count > Retained)
                {
                    _recent.Dequeue();
                }

                return (message, deliver(message));
            }
        }
    }
}

/// <summary>The service's message shape on the wire.</summary>
public sealed record BaselineMessage(string Room, long Seq, string Id, string User, string Text, DateTimeOffset SentAt);
