using System.Buffers.Binary;

namespace Conntrack.Packets;

/// <summary>
/// Steps along an IPv6 extension-header chain inside a span, without allocating. The span is all the
/// walk may read (the packet up to its payload length, or what was captured of it): a header whose
/// first 8 bytes are not all inside it cuts the walk.
/// </summary>
public ref struct Ipv6ExtensionWalker
{
    private readonly ReadOnlySpan<byte> _bytes;

    /// <summary>Walks the chain after the fixed header of <paramref name="packet"/> (at least 40 bytes).</summary>
    public Ipv6ExtensionWalker(ReadOnlySpan<byte> packet)
    {
        _bytes = packet;
        Current = packet[Ipv6ExtensionHeader.FirstNextHeaderField];
        Offset = Ipv6ExtensionHeader.FixedHeaderLength;
        NextHeaderField = Ipv6ExtensionHeader.FirstNextHeaderField;
    }

    /// <summary>Walks a chain whose first header, of type <paramref name="first"/>, starts at <paramref name="bytes"/>[0].</summary>
    public Ipv6ExtensionWalker(ReadOnlySpan<byte> bytes, byte first)
    {
        _bytes = bytes;
        Current = first;
        NextHeaderField = -1;
    }

    /// <summary>The type of the header at <see cref="Offset"/>.</summary>
    public byte Current { get; private set; }

    /// <summary>Where the current header starts.</summary>
    public int Offset { get; private set; }

    /// <summary>The byte that names the current header (−1 when the caller named the first one).</summary>
    public int NextHeaderField { get; private set; }

    /// <summary>Headers stepped over so far.</summary>
    public int Count { get; private set; }

    /// <summary>The M flag of the last fragment header stepped over: the packet is a first fragment.</summary>
    public bool FirstFragment { get; private set; }

    /// <summary>A fragment header was stepped over (an atomic fragment when <see cref="FirstFragment"/> is false).</summary>
    public bool HasFragmentHeader { get; private set; }

    /// <summary>The current header's first 8 bytes lie inside the span.</summary>
    public readonly bool HeaderInSpan => Offset + Ipv6ExtensionHeader.MinimumLength <= _bytes.Length;

    /// <summary>The current header's next-header byte (needs <see cref="HeaderInSpan"/>).</summary>
    public readonly byte Following => _bytes[Offset];

    /// <summary>Byte offset of the data after the current fragment header in the datagram (a multiple of 8).</summary>
    public readonly int FragmentOffset => FragmentField & 0xFFF8;

    /// <summary>The current fragment header's M flag: more fragments follow.</summary>
    public readonly bool MoreFragments => (FragmentField & 1) != 0;

    /// <summary>The current fragment header's identification.</summary>
    public readonly uint FragmentId => BinaryPrimitives.ReadUInt32BigEndian(_bytes[(Offset + 4)..]);

    private readonly ushort FragmentField => BinaryPrimitives.ReadUInt16BigEndian(_bytes[(Offset + 2)..]);

    /// <summary>
    /// ipv6_skip_exthdr: steps over hop-by-hop, routing, destination-options, AH and fragment headers,
    /// at most <paramref name="maxHeaders"/> of them, stopping at a fragment header that is not the first.
    /// </summary>
    public Ipv6ChainEnd SkipToUpperLayer(int maxHeaders) => Skip(throughFragments: true, maxHeaders);

    /// <summary>
    /// find_prev_fhdr: steps over the headers that may stand before a fragment header (hop-by-hop,
    /// routing, destination options, AH) and stops at anything else. False when one of them is cut.
    /// </summary>
    public bool SkipHeadersBeforeFragment() => Skip(throughFragments: false, int.MaxValue) == Ipv6ChainEnd.Reached;

    private Ipv6ChainEnd Skip(bool throughFragments, int maxHeaders)
    {
        while (Current is Ipv6ExtensionHeader.HopByHop or Ipv6ExtensionHeader.Routing
            or Ipv6ExtensionHeader.DestinationOptions or Ipv6ExtensionHeader.Authentication
            || (throughFragments && Current == Ipv6ExtensionHeader.Fragment))
        {
            if (Count >= maxHeaders || !HeaderInSpan)
                return Ipv6ChainEnd.Cut;
            if (Current == Ipv6ExtensionHeader.Fragment)
            {
                if (FragmentOffset != 0)
                    return Ipv6ChainEnd.LaterFragment;
                FirstFragment = MoreFragments;
                HasFragmentHeader = true;
            }
            int length = Ipv6ExtensionHeader.Length(Current, _bytes[Offset + 1]);
            NextHeaderField = Offset;
            Current = _bytes[Offset];
            Offset += length;
            Count++;
        }
        return Ipv6ChainEnd.Reached;
    }
}
