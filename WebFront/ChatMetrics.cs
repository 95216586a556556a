using System.Diagnostics.Metrics;

namespace OrleansChat.WebFront;

/// <summary>
/// The chat's own measurements, on the meter <see cref="MeterName"/>; an OpenTelemetry exporter publishes
/// them when one is configured (README, "Operations").
/// </summary>
public sealed class ChatMetrics
{
    public const string MeterName = "OrleansChat";

    private readonly UpDownCounter<long> _connections;
    private readonly Counter<long> _messagesAccepted;
    private readonly Counter<long> _deliveries;
    private readonly Counter<long> _gapsRepaired;
    private readonly Histogram<double> _sendDuration;

    private readonly Meter _meter;

    public ChatMetrics(IMeterFactory meters)
    {
        var meter = _meter = meters.Create(MeterName);
        _connections = meter.CreateUpDownCounter<long>("chat.connections", "{connection}", "Client connections open on this process.");
        _messagesAccepted = meter.CreateCounter<long>("chat.messages.accepted", "{message}", "Messages stored and acknowledged to their sender.");
        _deliveries = meter.CreateCounter<long>("chat.deliveries", "{message}", "Messages written to client connections.");
        _gapsRepaired = meter.CreateCounter<long>("chat.relay.gaps_repaired", "{gap}", "Missing messages the relay fetched from a room because its stream did not bring them.");
        _sendDuration = meter.CreateHistogram<double>("chat.send.duration", "ms", "Time from a Send call to its acknowledgement.");
    }

    /// <summary>Reports, whenever metrics are collected, how many rooms this process relays.</summary>
    public void ObserveActiveRooms(Func<int> count) =>
        _meter.CreateObservableGauge("chat.rooms.active", count, "{room}", "Rooms this process relays because a local connection is in them.");

    public void ConnectionOpened() => _connections.Add(1);

    public void ConnectionClosed() => _connections.Add(-1);

    public void MessageAccepted(TimeSpan duration)
    {
        _messagesAccepted.Add(1);
        _sendDuration.Record(duration.TotalMilliseconds);
    }

    public void Delivered(int connections) => _deliveries.Add(connections);

    public void GapsRepaired(int count) => _gapsRepaired.Add(count);
}
