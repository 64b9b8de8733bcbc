using System.Runtime.InteropServices;

namespace Conntrack.Host.Netlink;

/// <summary>One netlink message inside a received datagram: its header fields and the bytes after the 16-byte header.</summary>
public readonly ref struct NetlinkMessage(ushort type, ushort flags, uint sequence, uint portId, ReadOnlySpan<byte> payload)
{
    public ushort Type { get; } = type;
    public ushort Flags { get; } = flags;
    public uint Sequence { get; } = sequence;
    public uint PortId { get; } = portId;

    /// <summary>For ctnetlink: the 4-byte nfgenmsg, then attributes.</summary>
    public ReadOnlySpan<byte> Payload { get; } = payload;

    public bool IsError => Type == Ctnl.Error;
    public bool IsDone => Type == Ctnl.Done;

    /// <summary>NLM_F_DUMP_INTR: the kernel says the dump may be inconsistent (ctnetlink does not set it today).</summary>
    public bool Interrupted => (Flags & Ctnl.FlagDumpInterrupted) != 0;

    /// <summary>The errno of an NLMSG_ERROR (0 is an acknowledgement); -1 when the payload is too short to say.</summary>
    public int ErrorNumber => Payload.Length >= 4 ? -MemoryMarshal.Read<int>(Payload) : -1;
}

/// <summary>
/// Walks the messages packed in one datagram (each aligned to 4 bytes; lengths in host order).
/// A header that does not fit or a length outside 16…remaining stops the walk with <see cref="Malformed"/>.
/// </summary>
public ref struct NetlinkMessageReader(ReadOnlySpan<byte> datagram)
{
    private ReadOnlySpan<byte> _rest = datagram;

    public bool Malformed { get; private set; }

    public bool Next(out NetlinkMessage message)
    {
        message = default;
        if (_rest.IsEmpty)
            return false;
        if (_rest.Length < Ctnl.HeaderLength)
            return Fail();
        uint length = MemoryMarshal.Read<uint>(_rest);
        if (length < Ctnl.HeaderLength || length > (uint)_rest.Length)
            return Fail();
        message = new NetlinkMessage(MemoryMarshal.Read<ushort>(_rest[4..]), MemoryMarshal.Read<ushort>(_rest[6..]),
            MemoryMarshal.Read<uint>(_rest[8..]), MemoryMarshal.Read<uint>(_rest[12..]), _rest[Ctnl.HeaderLength..(int)length]);
        int next = ((int)length + 3) & ~3;
        _rest = next >= _rest.Length ? default : _rest[next..];
        return true;
    }

    private bool Fail()
    {
        Malformed = true;
        _rest = default;
        return false;
    }
}
