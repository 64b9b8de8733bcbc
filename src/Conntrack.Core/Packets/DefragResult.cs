namespace Conntrack.Packets;

/// <summary>What the defragmenter did with a packet.</summary>
public enum DefragResult : byte
{
    /// <summary>Not a fragment: track it as it is.</summary>
    NotFragment,

    /// <summary>A fragment the kernel hands to conntrack unreassembled (IPv6 first fragment without its upper-layer header, or a misaligned fragment).</summary>
    PassThrough,

    /// <summary>Held until the datagram is complete (or its queue expires).</summary>
    Held,

    /// <summary>The last missing piece arrived: the reassembled datagram is to be tracked.</summary>
    Complete,

    /// <summary>Dropped by reassembly (overlap, corrupt lengths, memory limit, duplicate of a completed datagram).</summary>
    Discarded,
}
