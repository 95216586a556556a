using System.Diagnostics;
using System.Text;
using System.Text.Json;

namespace OrleansChat.Bench;

/// <summary>What one load run offers: rooms, clients per room, senders per room and their rate.</summary>
public sealed record LoadSettings(
    IReadOnlyList<Uri> Urls, int Rooms, int ClientsPerRoom, int SendersPerRoom, double MessagesPerSecond,
    int MessageSize, TimeSpan Warmup, TimeSpan Duration)
{
    /// <summary>
    /// Rate changes during the measured period: from each step's start (measured from the period's start)
    /// senders send at its rate. Empty: <see cref="MessagesPerSecond"/> throughout.
    /// </summary>
    public IReadOnlyList<(TimeSpan From, double Rate)> Schedule { get; init; } = [];

    /// <summary>
    /// Senders send on their schedule without waiting for the previous acknowledgement (<c>--open-loop 1</c>),
    /// so an overloaded server faces the whole offered load instead of slowing its senders down.
    /// </summary>
    public bool OpenLoop { get; init; }

    /// <summary>The Redis endpoint whose traffic counters the run reports per message (<c>--redis</c>), if any.</summary>
    public string? Redis { get; init; }

    /// <summary>The per-sender rate at <paramref name="sinceMeasuring"/> into the measured period (negative: warming up).</summary>
    public double RateAt(TimeSpan sinceMeasuring) =>
        Schedule.LastOrDefault(step => sinceMeasuring >= step.From) is { Rate: > 0 } step ? step.Rate : MessagesPerSecond;

    public static LoadSettings From(BenchOptions options) => new(
        options.Urls, options.Number("rooms", 10), options.Number("clients", 20), options.Number("senders", 2),
        double.Parse(options.Text("rate", "5"), System.Globalization.CultureInfo.InvariantCulture), options.Number("size", 100),
        TimeSpan.FromSeconds(options.Number("warmup", 3)), TimeSpan.FromSeconds(options.Number("duration", 10)))
    {
        Redis = options.Values.GetValueOrDefault("redis"),
        OpenLoop = options.Number("open-loop", 0) == 1,
    };

    public double OfferedDeliveriesPerSecond => Rooms * SendersPerRoom * MessagesPerSecond * ClientsPerRoom;
}

/// <summary>
/// Drives one load run: every client joins its room, senders send at their rate through a warm-up and a
/// measured period, and every client checks each message it receives by seq (lost, duplicated, out of
/// order) and by the send time the text carries (latency from send to receipt).
/// </summary>
public sealed class LoadRun
{
    private const int Warming = 0, Measuring = 1, Draining = 2;
    private readonly LoadSettings _settings;
    private readonly LatencyRecorder _delivery = new();
    private readonly LatencyRecorder _acknowledgement = new();
    private readonly LatencyRecorder _answer = new(); // acknowledgement or refusal, whichever came
    private readonly System.Collections.Concurrent.ConcurrentDictionary<int, LatencyRecorder> _deliveryBySecond = new();
    private readonly long[] _ackedPerRoom;
    private long _received, _duplicates, _outOfOrder, _sent, _failedSends, _refusedBusy;
    private long _measureStarted;
    private RedisCounters? _redis; // what Redis received during the measured period
    private volatile int _phase;
    private int _closedEarly;

    private LoadRun(LoadSettings settings)
    {
        _settings = settings;
        _ackedPerRoom = new long[settings.Rooms];
    }

    public static async Task<JsonElement> RunAsync(LoadSettings settings, IReadOnlyList<ServerProcess> servers, string roomPrefix)
    {
        var run = new LoadRun(settings);
        var connectStarted = Stopwatch.GetTimestamp();
        var clients = await run.ConnectAsync(roomPrefix);
        var connectTime = Stopwatch.GetElapsedTime(connectStarted);
        try
        {
            using var stop = new CancellationTokenSource();
            var senders = clients.Where(c => c.IsSender).Select(c => run.SendLoopAsync(c, stop.Token)).ToList();
            await Task.Delay(settings.Warmup);

            var cpuBefore = servers.Select(s => s.CpuTime()).ToList();
            var redisBefore = RedisCounters.Read(settings.Redis);
            var ownCpuBefore = Process.GetCurrentProcess().TotalProcessorTime;
            var measureStarted = Stopwatch.GetTimestamp();
            run._measureStarted = Stopwatch.GetTimestamp();
            run._phase = Measuring;
            await Task.Delay(settings.Duration);
            run._phase = Draining;
            var measured = Stopwatch.GetElapsedTime(measureStarted);
            var serverCpuEach = servers.Select((s, i) => s.CpuTime() - cpuBefore[i]).ToList();
            var redisAfter = RedisCounters.Read(settings.Redis);
            run._redis = redisBefore is null || redisAfter is null ? null
                : new RedisCounters(redisAfter.InputBytes - redisBefore.InputBytes, redisAfter.Commands - redisBefore.Commands);
            var serverCpu = serverCpuEach.Aggregate(TimeSpan.Zero, (a, b) => a + b);
            var ownCpu = Process.GetCurrentProcess().TotalProcessorTime - ownCpuBefore;

            await stop.CancelAsync();
            await Task.WhenAll(senders);
            var expected = run._ackedPerRoom.Sum() * settings.ClientsPerRoom;
            var drainUntil = Stopwatch.GetTimestamp() + Stopwatch.Frequency * 5;
            while (Interlocked.Read(ref run._received) < expected && Stopwatch.GetTimestamp() < drainUntil)
            {
                await Task.Delay(50); // stragglers still on their way; bounded
            }

            run._closedEarly = clients.Count(c => c.Socket.Closed.IsCompleted);
            return run.Result(connectTime, measured, expected, serverCpuEach, ownCpu, servers);
        }
        finally
        {
            foreach (var client in clients)
            {
                await client.Socket.DisposeAsync();
            }
        }
    }

    private async Task<List<Client>> ConnectAsync(string roomPrefix)
    {
        var total = _settings.Rooms * _settings.ClientsPerRoom;
        var clients = new Client[total];
        using var parallel = new SemaphoreSlim(64);
        await Task.WhenAll(Enumerable.Range(0, total).Select(async i =>
        {
            await parallel.WaitAsync();
            try
            {
                var (room, index) = (i / _settings.ClientsPerRoom, i % _settings.ClientsPerRoom);
                var socket = await HubSocket.ConnectAsync(_settings.Urls[i % _settings.Urls.Count], CancellationToken.None);
                var client = new Client(socket, room, $"{roomPrefix}-{room}", index < _settings.SendersPerRoom);
                socket.OnMessage = (seq, text, receivedAt) => Receive(client, seq, text, receivedAt);
                await socket.InvokeAsync("Join", client.RoomName, $"user-{i}", null);
                clients[i] = client;
            }
            finally
            {
                parallel.Release();
            }
        }));
        return [.. clients];
    }

    private async Task SendLoopAsync(Client client, CancellationToken stop)
    {
        var interval = TimeSpan.FromSeconds(1 / _settings.MessagesPerSecond);
        var padding = new string('x', Math.Max(0, _settings.MessageSize - 40));
        // People do not press Enter in lockstep: each sender starts at its own point of the interval, so the
        // offered load is spread evenly instead of arriving as one burst per interval.
        var offset = interval * Random.Shared.NextDouble();
        try
        {
            await Task.Delay(offset, stop);
        }
        catch (OperationCanceledException)
        {
            return;
        }

        var next = Stopwatch.GetTimestamp();
        var inFlight = new List<Task>();
        while (!stop.IsCancellationRequested)
        {
            var phase = _phase;
            var send = SendOneAsync(client, phase, padding);
            if (_settings.OpenLoop)
            {
                // People do not wait for the previous acknowledgement before they type the next message: the
                // offered rate holds whatever the server's answers take.
                inFlight.Add(send);
                inFlight.RemoveAll(t => t.IsCompleted);
            }
            else
            {
                await send;
            }

            var rate = _settings.RateAt(phase == Warming ? TimeSpan.FromTicks(-1) : Stopwatch.GetElapsedTime(_measureStarted));
            next += (long)(Stopwatch.Frequency / rate);
            var wait = Stopwatch.GetElapsedTime(Stopwatch.GetTimestamp(), next);
            if (wait > TimeSpan.Zero)
            {
                try
                {
                    await Task.Delay(wait, stop);
                }
                catch (OperationCanceledException)
                {
                    break;
                }
            }
        }

        await Task.WhenAll(inFlight);
    }

    private async Task SendOneAsync(Client client, int phase, string padding)
    {
        var sentAt = Stopwatch.GetTimestamp();
        try
        {
            await client.Socket.InvokeAsync("Send", client.RoomName, $"{phase}|{sentAt}|{padding}", null);
            Interlocked.Increment(ref _sent);
            if (phase == Measuring)
            {
                _acknowledgement.Add(Stopwatch.GetElapsedTime(sentAt));
                _answer.Add(Stopwatch.GetElapsedTime(sentAt));
                Interlocked.Increment(ref _ackedPerRoom[client.Room]);
            }
        }
        catch (Exception exception)
        {
            Interlocked.Increment(ref _failedSends);
            if (phase == Measuring)
            {
                _answer.Add(Stopwatch.GetElapsedTime(sentAt));
            }

            if (exception.Message.Contains("busy", StringComparison.Ordinal))
            {
                Interlocked.Increment(ref _refusedBusy);
            }
        }
    }

    private void Receive(Client client, long seq, ReadOnlySpan<byte> text, long receivedAt)
    {
        var (phase, sentAt) = SendStamp(text);
        lock (client)
        {
            if (!client.Seen.Add(seq))
            {
                Interlocked.Increment(ref _duplicates);
                return;
            }

            if (seq < client.HighestSeq)
            {
                Interlocked.Increment(ref _outOfOrder);
            }

            client.HighestSeq = Math.Max(client.HighestSeq, seq);
        }

        if (phase == Measuring)
        {
            Interlocked.Increment(ref _received);
            var latency = Stopwatch.GetElapsedTime(sentAt, receivedAt);
            _delivery.Add(latency);
            if (_settings.Schedule.Count > 0)
            {
                var second = (int)Stopwatch.GetElapsedTime(_measureStarted, sentAt).TotalSeconds;
                _deliveryBySecond.GetOrAdd(second, _ => new LatencyRecorder()).Add(latency);
            }
        }
    }

    /// <summary>Reads the "phase|timestamp|padding" a sender puts in its text.</summary>
    private static (int Phase, long SentAt) SendStamp(ReadOnlySpan<byte> text)
    {
        var phase = int.Parse(text[..text.IndexOf((byte)'|')]);
        var rest = text[(text.IndexOf((byte)'|') + 1)..];
        return (phase, long.Parse(rest[..rest.IndexOf((byte)'|')]));
    }

    private JsonElement Result(TimeSpan connectTime, TimeSpan measured, long expected, List<TimeSpan> serverCpuEach, TimeSpan ownCpu, IReadOnlyList<ServerProcess> servers)
    {
        var serverCpu = serverCpuEach.Aggregate(TimeSpan.Zero, (a, b) => a + b);
        var (p50, p90, p99, max) = _delivery.Summary();
        var ack = _acknowledgement.Summary();
        var received = Interlocked.Read(ref _received);
        var connections = _settings.Rooms * _settings.ClientsPerRoom;
        var result = new
        {
            rooms = _settings.Rooms,
            clientsPerRoom = _settings.ClientsPerRoom,
            sendersPerRoom = _settings.SendersPerRoom,
            rate = _settings.MessagesPerSecond,
            size = _settings.MessageSize,
            instances = _settings.Urls.Count,
            connectSeconds = Math.Round(connectTime.TotalSeconds, 2),
            messagesAcknowledged = _ackedPerRoom.Sum(),
            messagesSentInAll = Interlocked.Read(ref _sent), // the warm-up's too
            failedSends = Interlocked.Read(ref _failedSends),
            deliveriesExpected = expected,
            deliveriesReceived = received,
            lost = Math.Max(0, expected - received),
            connectionsClosedByServer = _closedEarly,
            duplicates = Interlocked.Read(ref _duplicates),
            outOfOrder = Interlocked.Read(ref _outOfOrder),
            deliveriesPerSecond = Math.Round(received / measured.TotalSeconds),
            latencyMs = new { p50 = Math.Round(p50, 2), p90 = Math.Round(p90, 2), p99 = Math.Round(p99, 2), max = Math.Round(max, 2) },
            ackLatencyMs = new { p50 = Math.Round(ack.P50, 2), p99 = Math.Round(ack.P99, 2) },
            refusedBusy = Interlocked.Read(ref _refusedBusy),
            redisBytesPerMessage = _redis is null || _ackedPerRoom.Sum() == 0 ? (long?)null : _redis.InputBytes / _ackedPerRoom.Sum(),
            redisCommandsPerMessage = _redis is null || _ackedPerRoom.Sum() == 0 ? (double?)null : Math.Round((double)_redis.Commands / _ackedPerRoom.Sum(), 2),
            answerLatencyMs = new { p99 = Math.Round(_answer.Summary().P99, 2), max = Math.Round(_answer.Summary().Max, 2) },
            p99MsBySecond = _settings.Schedule.Count == 0 ? null
                : _deliveryBySecond.OrderBy(b => b.Key).Select(b => Math.Round(b.Value.Summary().P99, 1)).ToArray(),
            serverCpuPercent = servers.Count == 0 ? (double?)null : Math.Round(100 * serverCpu / measured, 1),
            serverCpuPercentEach = serverCpuEach.Select(c => Math.Round(100 * c / measured, 1)).ToArray(),
            serverCpuMicrosPerDelivery = servers.Count == 0 || received == 0 ? (double?)null : Math.Round(serverCpu.TotalMicroseconds / received, 2),
            serverPeakRssMb = servers.Count == 0 ? (double?)null : Math.Round(servers.Sum(s => s.PeakRssBytes()) / 1048576.0, 1),
            serverRssKbPerConnection = servers.Count == 0 ? (double?)null : Math.Round(servers.Sum(s => s.RssBytes()) / 1024.0 / connections, 1),
            loadGeneratorCpuPercent = Math.Round(100 * ownCpu / measured, 1),
        };
        return JsonSerializer.SerializeToElement(result);
    }

    private sealed class Client(HubSocket socket, int room, string roomName, bool isSender)
    {
        public HubSocket Socket { get; } = socket;

        public int Room { get; } = room;

        public string RoomName { get; } = roomName;

        public bool IsSender { get; } = isSender;

        public HashSet<long> Seen { get; } = [];

        public long HighestSeq { get; set; }
    }
}
