using System.Buffers.Binary;
using System.Globalization;
using System.Net;
using Conntrack.Capture;
using Conntrack.Table;

namespace Conntrack.Replay;

/// <summary>
/// Tells from a capture's first packets whether it was taken on an end host, and in the host view
/// at which hook each packet meets conntrack: sent by the host (LOCAL_OUT) or received (PRE_ROUTING).
/// </summary>
internal sealed class HostEvidence
{
    // An address in this share of the packets, talking to at least MinPeers others, is the capturing host's.
    private const double DominantShare = 0.9;
    private const int MinPackets = 20;
    private const int MinPeers = 4;
    private const int MaxAddresses = 4096;

    // PACKET_OUTGOING (linux/if_packet.h): the frame was sent by this host.
    private const int PacketOutgoing = 4;

    private static readonly UInt128 V4Mapped = (UInt128)0xFFFF << 32;

    private readonly Dictionary<UInt128, int> _packetsByAddress = [];
    private long _packets;
    private UInt128? _loopback;
    private bool _outgoing;
    private UInt128? _host;

    /// <summary>True once a packet settled it (loopback traffic, a frame marked as sent): more packets change nothing.</summary>
    public bool Settled => _loopback is not null || _outgoing;

    /// <summary>The link layer's word on a frame's direction: true sent by this host, false received, null unknown.</summary>
    public static bool? SentByHost(LinkType linkType, ReadOnlySpan<byte> frame) => linkType switch
    {
        LinkType.LinuxSll when frame.Length >= 2 => BinaryPrimitives.ReadUInt16BigEndian(frame) == PacketOutgoing,
        LinkType.LinuxSll2 when frame.Length >= 11 => frame[10] == PacketOutgoing,
        _ => null,
    };

    public void Observe(ReadOnlySpan<byte> ipPacket, bool? sentByHost)
    {
        if (!TryAddresses(ipPacket, out var src, out var dst))
            return;
        _packets++;
        _outgoing |= sentByHost == true;
        if (IsLoopback(src) || IsLoopback(dst))
            _loopback ??= IsLoopback(src) ? src : dst;
        Count(src);
        if (dst != src)
            Count(dst);
    }

    /// <summary>The view the observed packets point to, and why.</summary>
    public ViewChoice Decide()
    {
        string? dominant = FindHost();
        if (_loopback is { } loopback)
            return Host($"loopback traffic ({Text(loopback)}) is tracked only on the host that sends it");
        if (_outgoing)
            return Host("the Linux cooked capture marks packets as sent by the capturing host");
        if (dominant is not null)
            return Host(dominant);
        return new ViewChoice(CaptureView.Router, "no loopback traffic, no packet marked as sent, no address in most packets", Requested: false);
    }

    /// <summary>
    /// Where conntrack meets a packet in the host view, or null for the second copy of a loopback
    /// packet (captured again as received on lo: the kernel tracked it when it was sent).
    /// </summary>
    public NetfilterHook? HookOf(ReadOnlySpan<byte> ipPacket, bool? sentByHost)
    {
        if (!TryAddresses(ipPacket, out var src, out var dst))
            return NetfilterHook.PreRouting;
        if (IsLoopback(src) || IsLoopback(dst))
            return sentByHost == false ? null : NetfilterHook.LocalOut;
        bool sent = sentByHost ?? src == _host;
        return sent ? NetfilterHook.LocalOut : NetfilterHook.PreRouting;
    }

    /// <summary>Sets the capturing host's address when one address is in most packets; says so, or null.</summary>
    private string? FindHost()
    {
        if (_packets < MinPackets || _packetsByAddress.Count <= MinPeers)
            return null;
        var (address, packets) = _packetsByAddress.MaxBy(pair => pair.Value);
        if (packets < DominantShare * _packets)
            return null;
        _host = address;
        string share = (100.0 * packets / _packets).ToString("0", CultureInfo.InvariantCulture);
        return $"{Text(address)} is in {share} % of the packets, talking to {_packetsByAddress.Count - 1} peers";
    }

    private static ViewChoice Host(string reason) => new(CaptureView.Host, reason, Requested: false);

    private void Count(UInt128 address)
    {
        if (_packetsByAddress.TryGetValue(address, out int n))
            _packetsByAddress[address] = n + 1;
        else if (_packetsByAddress.Count < MaxAddresses)
            _packetsByAddress[address] = 1;
    }

    private static bool TryAddresses(ReadOnlySpan<byte> ip, out UInt128 src, out UInt128 dst)
    {
        src = dst = default;
        if (ip.IsEmpty)
            return false;
        switch (ip[0] >> 4)
        {
            case 4 when ip.Length >= 20:
                src = V4Mapped | BinaryPrimitives.ReadUInt32BigEndian(ip[12..]);
                dst = V4Mapped | BinaryPrimitives.ReadUInt32BigEndian(ip[16..]);
                return true;
            case 6 when ip.Length >= 40:
                src = BinaryPrimitives.ReadUInt128BigEndian(ip[8..]);
                dst = BinaryPrimitives.ReadUInt128BigEndian(ip[24..]);
                return true;
            default:
                return false;
        }
    }

    private static bool IsLoopback(UInt128 address) =>
        address == UInt128.One || (address >> 32 == 0xFFFF && (byte)(address >> 24) == 127);

    private static string Text(UInt128 address)
    {
        Span<byte> bytes = stackalloc byte[16];
        BinaryPrimitives.WriteUInt128BigEndian(bytes, address);
        return (address >> 32 == 0xFFFF ? new IPAddress(bytes[12..]) : new IPAddress(bytes)).ToString();
    }
}
