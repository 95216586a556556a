namespace OrleansChat.Grains.Archive;

/// <summary>What the archive knows of a room: the epoch of its numbering and the last seq it stored.</summary>
public sealed record ArchivedRoom(string Epoch, long LastSeq);
