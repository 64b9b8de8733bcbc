using Conntrack.Capture;
using Conntrack.Table;

namespace Conntrack.Replay;

/// <summary>
/// Reads capture records into a <see cref="PacketBatch"/> until it is full or spans
/// <see cref="BatchSpan"/>: finds each frame's IP packet, counts what it skips, clamps time so it
/// never runs backwards, and keeps the record that did not fit for the next batch. Unless the
/// router view was requested, the first packets are read ahead to choose the view (and, in the host
/// view, the host's address) before any is tracked.
/// </summary>
internal sealed class BatchFiller(CaptureReader reader, ReplayOptions options, CancellationToken cancellationToken)
{
    private const int ProgressEvery = 1 << 16;

    // A batch ends early when its packets span more than this, so the timeline (sampled between
    // batches) stays exact for sparse captures.
    private const long BatchSpan = 10_000_000;

    private const int MaxIpPacket = 65535 + 40;

    // Read-ahead to choose the view: bounded in packets, bytes and capture time (a live capture
    // must not wait long before its first status line).
    private const int LookaheadPackets = 1000;
    private const int LookaheadBytes = 4 << 20;
    private const long LookaheadSpan = 5_000_000_000;

    private readonly long? _length = reader.Length;
    private readonly HostEvidence _evidence = new();
    private byte[] _pending = new byte[2048];
    private int _pendingLength = -1;
    private long _pendingTimestamp;
    private int _pendingOriginal;
    private NetfilterHook _pendingHook;
    private bool _started;
    private long _firstTimestamp = long.MinValue;

    private byte[] _ahead = [];
    private readonly List<Ahead> _aheadPackets = [];
    private int _aheadNext;

    public readonly long[] Skipped = new long[Enum.GetValues<SkipReason>().Length];
    public readonly SortedSet<LinkType> UnsupportedLinkTypes = [];
    public long Records;
    public long Last;
    /// <summary>True once the reader has no more records (a held-back record may still be pending).</summary>
    public bool Exhausted;

    /// <summary>The view the packets are tracked in (chosen before the first batch).</summary>
    public ViewChoice? View { get; private set; }

    /// <summary>Fills <paramref name="batch"/> (cleared first); <paramref name="originalLengths"/> receives each packet's length on the wire.</summary>
    public void Fill(PacketBatch batch, int[] originalLengths)
    {
        batch.Clear();
        View ??= ChooseView();
        if (_pendingLength >= 0)
        {
            Add(batch, originalLengths, _pending.AsSpan(0, _pendingLength), _pendingTimestamp, _pendingOriginal, _pendingHook);
            _pendingLength = -1;
        }
        for (; _aheadNext < _aheadPackets.Count; _aheadNext++)
        {
            var a = _aheadPackets[_aheadNext];
            var packet = _ahead.AsSpan(a.Offset, a.Length);
            if (!Fits(batch, packet.Length, a.Timestamp))
                return;
            if (HookOf(packet, a.SentByHost) is { } hook)
                Add(batch, originalLengths, packet, a.Timestamp, a.OriginalLength, hook);
        }
        if (_aheadPackets.Count > 0)
        {
            _aheadPackets.Clear();
            _aheadNext = 0;
            _ahead = [];
        }
        while (batch.Count < batch.Capacity)
        {
            if (!TryReadPacket(out var packet, out long now, out int originalLength, out bool? sentByHost))
                return;
            if (HookOf(packet, sentByHost) is not { } hook)
                continue;
            if (!Fits(batch, packet.Length, now))
            {
                if (_pending.Length < packet.Length)
                    _pending = new byte[packet.Length];
                packet.CopyTo(_pending);
                _pendingLength = packet.Length;
                _pendingTimestamp = now;
                _pendingOriginal = originalLength;
                _pendingHook = hook;
                return;
            }
            Add(batch, originalLengths, packet, now, originalLength, hook);
        }
    }

    /// <summary>
    /// A batch also ends at each whole second from the first packet, so the timeline's points (and the ticks a
    /// consumer sees) hold exactly the packets before their end.
    /// </summary>
    private bool Fits(PacketBatch batch, int length, long now) =>
        batch.Count == 0 || (batch.Fits(length) && now - batch.FirstTimestamp <= BatchSpan && Second(now) == Second(batch.FirstTimestamp));

    private long Second(long timestamp) => (timestamp - _firstTimestamp) / Timeline.SecondNanos;

    /// <summary>The requested view, or the one the first packets point to (kept in <see cref="_ahead"/> for tracking).</summary>
    private ViewChoice ChooseView()
    {
        if (options.View == CaptureView.Router)
            return new ViewChoice(CaptureView.Router, "requested", Requested: true);
        int used = 0;
        long first = 0;
        while (_aheadPackets.Count < LookaheadPackets && used < LookaheadBytes && !_evidence.Settled
            && TryReadPacket(out var packet, out long now, out int originalLength, out bool? sentByHost))
        {
            if (_aheadPackets.Count == 0)
                first = now;
            if (used + packet.Length > _ahead.Length)
                Array.Resize(ref _ahead, Math.Max(used + packet.Length, Math.Min(LookaheadBytes + MaxIpPacket, Math.Max(64 << 10, _ahead.Length * 2))));
            packet.CopyTo(_ahead.AsSpan(used));
            _aheadPackets.Add(new Ahead(used, packet.Length, now, originalLength, sentByHost));
            used += packet.Length;
            _evidence.Observe(packet, sentByHost);
            if (now - first > LookaheadSpan)
                break;
        }
        var found = _evidence.Decide();
        return options.View == CaptureView.Host ? new ViewChoice(CaptureView.Host, "requested", Requested: true) : found;
    }

    private NetfilterHook? HookOf(ReadOnlySpan<byte> packet, bool? sentByHost)
    {
        if (View!.View == CaptureView.Router)
            return NetfilterHook.PreRouting;
        var hook = _evidence.HookOf(packet, sentByHost);
        if (hook is null)
            Skipped[(int)SkipReason.LoopbackCopy]++;
        return hook;
    }

    /// <summary>The next record's IP packet (valid until the next read), at its clamped time; false at the end.</summary>
    private bool TryReadPacket(out ReadOnlySpan<byte> packet, out long now, out int originalLength, out bool? sentByHost)
    {
        while (!Exhausted && reader.TryReadNext(out var record))
        {
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
            now = record.TimestampNanoseconds;
            // Time never runs backwards inside the engine; a capture that does is clamped to its latest time.
            if (_started && now < Last)
                now = Last;
            _started = true;
            Last = now;
            // Nothing in an IP packet lies beyond 64 KiB and its IPv6 header; the rest is link padding.
            packet = record.Data.Slice(network.Offset, Math.Min(network.Length, MaxIpPacket));
            originalLength = record.OriginalLength;
            sentByHost = HostEvidence.SentByHost(record.LinkType, record.Data);
            return true;
        }
        Exhausted = true;
        packet = default;
        now = 0;
        originalLength = 0;
        sentByHost = null;
        return false;
    }

    private void Add(PacketBatch batch, int[] originalLengths, ReadOnlySpan<byte> packet, long timestamp, int originalLength, NetfilterHook hook)
    {
        if (_firstTimestamp == long.MinValue)
            _firstTimestamp = timestamp;
        originalLengths[batch.Count] = originalLength;
        if (!batch.TryAdd(packet, timestamp, hook))
            throw new InvalidOperationException($"a {packet.Length}-byte packet does not fit an empty batch");
    }

    private readonly record struct Ahead(int Offset, int Length, long Timestamp, int OriginalLength, bool? SentByHost);
}
