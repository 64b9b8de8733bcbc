using System.Buffers;
using System.Buffers.Binary;
using Conntrack.Flows;

namespace Conntrack.Packets;

/// <summary>
/// Reassembles IPv4 and IPv6 fragments before tracking, as nf_defrag_ipv4 (ip_defrag) and
/// nf_defrag_ipv6 (nf_ct_frag6_gather) do at priority −400: fragments are held until the datagram
/// is complete; duplicates are ignored; any overlap discards the whole datagram (RFC 5722, and the
/// kernel's rule for IPv4 since 4.19); queues expire a fixed time after their first fragment; and
/// while held fragments exceed the memory limit, new fragments are refused. Single writer.
/// </summary>
public sealed class Defragmenter
{
    // Approximate skb overhead charged per held fragment (the kernel charges truesize).
    private const int FragmentOverhead = 640;
    private const int MaxDatagram = 65535;
    private const int MaxQueues = 4096;
    private const int MaxHeader = 1024;

    private readonly long _timeout;
    private readonly long _highThreshold;
    private readonly Dictionary<FragmentKey, FragmentQueue> _queues = [];
    private readonly Stack<FragmentQueue> _spare = new();
    private readonly byte[] _output = new byte[MaxDatagram + 64];
    private readonly List<FragmentKey> _expired = [];
    private long _memory;
    private long _nextExpiry = long.MaxValue;

    /// <param name="timeout">Queue lifetime in nanoseconds (IPv4 ipfrag_time 30 s; IPv6 nf_conntrack_frag6_timeout 60 s).</param>
    /// <param name="highThreshold">Bytes of held fragments above which new fragments are refused.</param>
    public Defragmenter(long timeout, long highThreshold)
    {
        _timeout = timeout;
        _highThreshold = highThreshold;
    }

    /// <summary>Bytes currently charged for held fragments.</summary>
    public long MemoryInUse => _memory;

    /// <summary>Datagrams being reassembled.</summary>
    public int QueueCount => _queues.Count;

    /// <summary>
    /// Offers an IP packet. <see cref="DefragResult.NotFragment"/> and <see cref="DefragResult.PassThrough"/>:
    /// track <paramref name="packet"/> as it is. <see cref="DefragResult.Complete"/>: track
    /// <paramref name="datagram"/> (valid until the next call). Otherwise nothing reaches the tracker.
    /// </summary>
    public DefragResult Submit(ReadOnlySpan<byte> packet, long now, out ReadOnlySpan<byte> datagram)
    {
        datagram = default;
        if (now >= _nextExpiry)
            ExpireQueues(now);
        if (packet.Length < 20)
            return DefragResult.NotFragment;
        return (packet[0] >> 4) switch
        {
            4 => SubmitV4(packet, now, out datagram),
            6 => SubmitV6(packet, now, out datagram),
            _ => DefragResult.NotFragment,
        };
    }

    private DefragResult SubmitV4(ReadOnlySpan<byte> packet, long now, out ReadOnlySpan<byte> datagram)
    {
        datagram = default;
        int ihl = (packet[0] & 0x0F) * 4;
        int total = BinaryPrimitives.ReadUInt16BigEndian(packet[2..]);
        ushort field = BinaryPrimitives.ReadUInt16BigEndian(packet[6..]);
        bool more = (field & 0x2000) != 0;
        int offset = (field & 0x1FFF) * 8;
        if (!more && offset == 0)
            return DefragResult.NotFragment;
        if (ihl < 20 || total > packet.Length || total < ihl)
            return DefragResult.Discarded; // a fragment must be whole to be queued
        var key = FragmentKey.V4(packet);
        var queue = FindOrCreate(key, now);
        if (queue is null)
            return DefragResult.Discarded;
        if (queue.Complete)
            return DefragResult.Discarded;

        int end = offset + (total - ihl);
        if (!more)
        {
            // A second, different end, or data already beyond it: the datagram is corrupt.
            if (end < queue.Length || (queue.LastIn && end != queue.Length))
                return Kill(queue);
            queue.LastIn = true;
            queue.Length = end;
        }
        else
        {
            end &= ~7; // non-final fragments are trimmed to whole 8-byte blocks
            if (end > queue.Length)
            {
                if (queue.LastIn)
                    return Kill(queue);
                queue.Length = end;
            }
        }
        if (end == offset)
            return Kill(queue);

        var insert = queue.Insert(offset, end);
        if (insert == InsertResult.Duplicate)
            return DefragResult.Discarded;
        if (insert == InsertResult.Overlap)
            return Kill(queue);

        packet.Slice(ihl, end - offset).CopyTo(queue.Buffer.AsSpan(FragmentQueue.DataStart + offset));
        Charge(queue, end - offset);
        if (offset == 0)
        {
            queue.FirstIn = true;
            queue.HeaderLength = ihl;
            packet[..ihl].CopyTo(queue.Header);
        }
        if (!(queue.FirstIn && queue.LastIn && queue.Meat == queue.Length))
            return DefragResult.Held;

        int length = queue.HeaderLength + queue.Length;
        if (length > MaxDatagram)
            return Kill(queue);
        var output = _output.AsSpan(0, length);
        queue.Header.AsSpan(0, queue.HeaderLength).CopyTo(output);
        queue.Buffer.AsSpan(FragmentQueue.DataStart, queue.Length).CopyTo(output[queue.HeaderLength..]);
        BinaryPrimitives.WriteUInt16BigEndian(output[2..], (ushort)length);
        BinaryPrimitives.WriteUInt16BigEndian(output[6..], 0);
        output[10] = 0;
        output[11] = 0;
        BinaryPrimitives.WriteUInt16BigEndian(output[10..], InternetChecksum.Finish(InternetChecksum.Add(0, output[..queue.HeaderLength])));
        Release(queue);
        datagram = output;
        return DefragResult.Complete;
    }

    private DefragResult SubmitV6(ReadOnlySpan<byte> packet, long now, out ReadOnlySpan<byte> datagram)
    {
        datagram = default;
        if (!FindFragmentHeader(packet, out var fragment))
            return DefragResult.NotFragment;
        // RFC 8200 §4.5: a first fragment must carry every header up to the upper layer; if not,
        // the kernel hands it to conntrack as it is.
        if (fragment.Offset == 0 && !FirstFragmentHasHeaders(packet[fragment.DataStart..fragment.Available], fragment.Upper))
            return DefragResult.PassThrough;
        if (40 + fragment.PayloadLength > packet.Length)
            return DefragResult.Discarded;

        var key = FragmentKey.V6(packet, fragment.Id);
        var queue = FindOrCreate(key, now);
        if (queue is null)
            return DefragResult.Discarded;
        if (queue.Complete)
            return DefragResult.Discarded;

        if (QueueV6(queue, packet, fragment) is DefragResult refused)
            return refused;
        if (!(queue.FirstIn && queue.LastIn && queue.Meat == queue.Length))
            return DefragResult.Held;
        return ReassembleV6(queue, out datagram);
    }

    /// <summary>find_prev_fhdr: walks the extension headers up to the fragment header, if there is one.</summary>
    private static bool FindFragmentHeader(ReadOnlySpan<byte> packet, out Ipv6Fragment fragment)
    {
        fragment = default;
        if (packet.Length < 40)
            return false;
        int payloadLength = BinaryPrimitives.ReadUInt16BigEndian(packet[4..]);
        if (payloadLength == 0)
            return false; // jumbo payload: no fragment header allowed
        int available = Math.Min(packet.Length, 40 + payloadLength);
        var chain = new Ipv6ExtensionWalker(packet[..available]);
        if (!chain.SkipHeadersBeforeFragment() || chain.Current != Ipv6ExtensionHeader.Fragment
            || !chain.HeaderInSpan || chain.Offset > MaxHeader)
        {
            return false;
        }
        fragment = new Ipv6Fragment(payloadLength, available, chain.Offset, chain.NextHeaderField,
            chain.FragmentOffset, chain.MoreFragments, chain.Following, chain.FragmentId);
        return true;
    }

    /// <summary>
    /// nf_ct_frag6_queue: fixes the datagram's length from the last fragment, inserts the data and,
    /// for the first fragment, keeps the unfragmentable part. Null when the fragment was added.
    /// </summary>
    private DefragResult? QueueV6(FragmentQueue queue, ReadOnlySpan<byte> packet, in Ipv6Fragment fragment)
    {
        int offset = fragment.Offset;
        int end = fragment.End;
        if (end > 65535)
            return DefragResult.Discarded;
        if (!fragment.More)
        {
            if (end < queue.Length || (queue.LastIn && end != queue.Length))
                return DefragResult.Discarded;
            queue.LastIn = true;
            queue.Length = end;
        }
        else
        {
            if ((end & 7) != 0)
            {
                // Not a multiple of 8: the queue dies and the packet goes on unreassembled.
                Kill(queue);
                return DefragResult.PassThrough;
            }
            if (end > queue.Length)
            {
                if (queue.LastIn)
                    return DefragResult.Discarded;
                queue.Length = end;
            }
        }
        if (end == offset)
            return DefragResult.Discarded;

        var insert = queue.Insert(offset, end);
        if (insert == InsertResult.Duplicate)
            return DefragResult.Held; // duplicates pretend to be queued
        if (insert == InsertResult.Overlap)
        {
            Kill(queue);
            return DefragResult.Discarded;
        }
        packet.Slice(fragment.DataStart, end - offset).CopyTo(queue.Buffer.AsSpan(FragmentQueue.DataStart + offset));
        Charge(queue, end - offset);
        if (offset == 0)
        {
            queue.FirstIn = true;
            // The unfragmentable part, with the fragment header's next header moved into its predecessor.
            queue.HeaderLength = fragment.HeaderStart;
            packet[..fragment.HeaderStart].CopyTo(queue.Header);
            queue.Header[fragment.PreviousNextHeader] = fragment.Upper;
        }
        return null;
    }

    /// <summary>nf_ct_frag6_reasm: the unfragmentable part, then the data, with the payload length rewritten.</summary>
    private DefragResult ReassembleV6(FragmentQueue queue, out ReadOnlySpan<byte> datagram)
    {
        datagram = default;
        int reassembledPayload = queue.HeaderLength - 40 + queue.Length;
        if (reassembledPayload > 65535)
        {
            Kill(queue);
            return DefragResult.Held;
        }
        var output = _output.AsSpan(0, 40 + reassembledPayload);
        queue.Header.AsSpan(0, queue.HeaderLength).CopyTo(output);
        queue.Buffer.AsSpan(FragmentQueue.DataStart, queue.Length).CopyTo(output[queue.HeaderLength..]);
        BinaryPrimitives.WriteUInt16BigEndian(output[4..], (ushort)reassembledPayload);
        Release(queue);
        datagram = output;
        return DefragResult.Complete;
    }

    /// <summary>ipv6frag_thdr_truncated: the upper-layer header must be complete in the first fragment.</summary>
    private static bool FirstFragmentHasHeaders(ReadOnlySpan<byte> rest, byte upper)
    {
        var chain = new Ipv6ExtensionWalker(rest, upper);
        if (!chain.SkipHeadersBeforeFragment())
            return false;
        int needed = chain.Current switch
        {
            IpProtocol.Tcp => 20,
            IpProtocol.Udp or IpProtocol.UdpLite => 8,
            IpProtocol.IcmpV6 => 4,
            _ => 0,
        };
        return rest.Length - chain.Offset >= needed;
    }

    private FragmentQueue? FindOrCreate(in FragmentKey key, long now)
    {
        // inet_frag_find refuses everything while held fragments exceed the limit.
        if (_memory > _highThreshold)
            return null;
        if (_queues.TryGetValue(key, out var queue))
        {
            if (queue.Expires > now)
                return queue;
            Kill(queue);
        }
        if (_queues.Count >= MaxQueues)
            return null;
        queue = _spare.Count > 0 ? _spare.Pop() : new FragmentQueue();
        queue.Reset(key, now + _timeout);
        _queues[key] = queue;
        _nextExpiry = Math.Min(_nextExpiry, queue.Expires);
        return queue;
    }

    private void Charge(FragmentQueue queue, int bytes)
    {
        queue.Meat += bytes;
        int charge = bytes + FragmentOverhead;
        queue.Charged += charge;
        _memory += charge;
    }

    private DefragResult Kill(FragmentQueue queue)
    {
        Release(queue);
        return DefragResult.Discarded;
    }

    private void Release(FragmentQueue queue)
    {
        _memory -= queue.Charged;
        _queues.Remove(queue.Key);
        queue.Clear();
        _spare.Push(queue);
    }

    private void ExpireQueues(long now)
    {
        _expired.Clear();
        long next = long.MaxValue;
        foreach (var (key, queue) in _queues)
        {
            if (queue.Expires <= now)
                _expired.Add(key);
            else
                next = Math.Min(next, queue.Expires);
        }
        foreach (var key in _expired)
            Release(_queues[key]);
        _nextExpiry = next;
    }

    /// <summary>
    /// Where an IPv6 fragment's header sits and what it says. <see cref="HeaderStart"/> is the
    /// offset of the fragment header, <see cref="PreviousNextHeader"/> the offset of the next-header
    /// field pointing at it, <see cref="Upper"/> the header that follows it.
    /// </summary>
    private readonly record struct Ipv6Fragment(int PayloadLength, int Available, int HeaderStart, int PreviousNextHeader,
        int Offset, bool More, byte Upper, uint Id)
    {
        /// <summary>Where the fragment's data starts in the packet, after the 8-byte fragment header.</summary>
        public int DataStart => HeaderStart + 8;

        /// <summary>The end of the fragment's data in the datagram.</summary>
        public int End => Offset + (PayloadLength - (DataStart - 40));
    }

    private enum InsertResult : byte
    {
        Inserted,
        Duplicate,
        Overlap,
    }

    /// <summary>One datagram being reassembled: data at its offsets, the runs of contiguous data received.</summary>
    private sealed class FragmentQueue
    {
        public const int DataStart = 0;

        public FragmentKey Key;
        public long Expires;
        public int Length;
        public int Meat;
        public int Charged;
        public bool FirstIn;
        public bool LastIn;
        public bool Complete;
        public int HeaderLength;
        public readonly byte[] Header = new byte[MaxHeader];
        public byte[] Buffer = [];
        private readonly List<(int Start, int End)> _runs = [];

        public void Reset(in FragmentKey key, long expires)
        {
            Key = key;
            Expires = expires;
            Length = Meat = Charged = HeaderLength = 0;
            FirstIn = LastIn = Complete = false;
            _runs.Clear();
            if (Buffer.Length == 0)
                Buffer = ArrayPool<byte>.Shared.Rent(MaxDatagram + 8);
        }

        public void Clear() => _runs.Clear();

        /// <summary>
        /// inet_frag_queue_insert: fragments extending the tail join the last run (or start a new one
        /// after a gap); others must not touch any run — inside one is a duplicate, partly an overlap.
        /// Gap fillers become runs of their own, as in the kernel's tree.
        /// </summary>
        public InsertResult Insert(int start, int end)
        {
            if (_runs.Count == 0)
            {
                _runs.Add((start, end));
                return InsertResult.Inserted;
            }
            var tail = _runs[^1];
            if (tail.End < end)
            {
                if (start < tail.End)
                    return InsertResult.Overlap;
                if (start == tail.End)
                    _runs[^1] = (tail.Start, end);
                else
                    _runs.Add((start, end));
                return InsertResult.Inserted;
            }
            int i = 0;
            for (; i < _runs.Count; i++)
            {
                var run = _runs[i];
                if (end <= run.Start)
                    break;
                if (start >= run.End)
                    continue;
                return start >= run.Start && end <= run.End ? InsertResult.Duplicate : InsertResult.Overlap;
            }
            _runs.Insert(i, (start, end));
            return InsertResult.Inserted;
        }
    }
}
