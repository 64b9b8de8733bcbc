using Conntrack.Capture;
using Conntrack.Table;

namespace Conntrack.Replay;

/// <summary>
/// Reads capture records into a <see cref="PacketBatch"/> until it is full or spans
/// <see cref="BatchSpan"/>: finds each frame's IP packet, counts what it skips, clamps time so it
/// never runs backwards, and keeps the record that did not fit for the next batch.
/// </summary>
internal sealed class BatchFiller(CaptureReader reader, ReplayOptions options, CancellationToken cancellationToken)
{
    private const int ProgressEvery = 1 << 16;

    // A batch ends early when its packets span more than this, so the timeline (sampled between
    // batches) stays exact for sparse captures.
    private const long BatchSpan = 10_000_000;

    private const int MaxIpPacket = 65535 + 40;

    private readonly long? _length = reader.Length;
    private byte[] _pending = new byte[2048];
    private int _pendingLength = -1;
    private long _pendingTimestamp;
    private int _pendingOriginal;
    private bool _started;

    public readonly long[] Skipped = new long[3];
    public readonly SortedSet<LinkType> UnsupportedLinkTypes = [];
    public long Records;
    public long Last;
    /// <summary>True once the reader has no more records (a held-back record may still be pending).</summary>
    public bool Exhausted;

    /// <summary>Fills <paramref name="batch"/> (cleared first); <paramref name="originalLengths"/> receives each packet's length on the wire.</summary>
    public void Fill(PacketBatch batch, int[] originalLengths)
    {
        batch.Clear();
        if (_pendingLength >= 0)
        {
            Add(batch, originalLengths, _pending.AsSpan(0, _pendingLength), _pendingTimestamp, _pendingOriginal);
            _pendingLength = -1;
        }
        while (batch.Count < batch.Capacity)
        {
            if (Exhausted || !reader.TryReadNext(out var record))
            {
                Exhausted = true;
                return;
            }
            Records++;
            if ((Records & (ProgressEvery - 1)) == 0)
            {
                cancellationToken.ThrowIfCancellationRequested();
                if (options.Progress is { } progress && _length is > 0)
                    progress((double)reader.Position / _length.Value);
            }
            var status = LinkLayer.TryGetNetworkLayer(record.LinkType, record.Data, out var network);
            if (status != LinkDecodeStatus.Ok)
            {
                if (status == LinkDecodeStatus.UnsupportedLinkType)
                    UnsupportedLinkTypes.Add(record.LinkType);
                Skipped[status switch
                {
                    LinkDecodeStatus.NotIp => (int)SkipReason.NotIp,
                    LinkDecodeStatus.Truncated => (int)SkipReason.LinkTruncated,
                    _ => (int)SkipReason.UnsupportedLinkType,
                }]++;
                continue;
            }
            long now = record.TimestampNanoseconds;
            // Time never runs backwards inside the engine; a capture that does is clamped to its latest time.
            if (_started && now < Last)
                now = Last;
            _started = true;
            Last = now;
            // Nothing in an IP packet lies beyond 64 KiB and its IPv6 header; the rest is link padding.
            var packet = record.Data.Slice(network.Offset, Math.Min(network.Length, MaxIpPacket));
            if (batch.Count > 0 && (!batch.Fits(packet.Length) || now - batch.FirstTimestamp > BatchSpan))
            {
                if (_pending.Length < packet.Length)
                    _pending = new byte[packet.Length];
                packet.CopyTo(_pending);
                _pendingLength = packet.Length;
                _pendingTimestamp = now;
                _pendingOriginal = record.OriginalLength;
                return;
            }
            Add(batch, originalLengths, packet, now, record.OriginalLength);
        }
    }

    private static void Add(PacketBatch batch, int[] originalLengths, ReadOnlySpan<byte> packet, long timestamp, int originalLength)
    {
        originalLengths[batch.Count] = originalLength;
        if (!batch.TryAdd(packet, timestamp))
            throw new InvalidOperationException($"a {packet.Length}-byte packet does not fit an empty batch");
    }
}
