using Conntrack.Packets;
using Conntrack.Table;

namespace Conntrack.Protocols;

/// <summary>
/// TCP connection tracking after nf_conntrack_proto_tcp.c: flag validation (<c>tcp_error</c>),
/// first-packet rules (<c>tcp_new</c>), the transition table, reopen, RST handling, ASSURED and
/// timeout selection. Sequence-window checks (<c>tcp_in_window</c>) are not applied yet: every
/// in-state packet is treated as in window, as with <c>nf_conntrack_tcp_be_liberal=1</c>.
/// </summary>
internal static class TcpTracker
{
    /// <summary><c>tcp_error</c>: header sanity and the allowed flag combinations.</summary>
    public static bool IsValidPacket(in PacketInfo p)
    {
        if (p.L4Status != L4Status.Ok)
            return false;
        // tcp_valid_flags, after masking ECE, CWR and PSH.
        var flags = p.TcpFlags & ~(TcpFlags.Ece | TcpFlags.Cwr | TcpFlags.Psh);
        return flags is TcpFlags.Syn or (TcpFlags.Syn | TcpFlags.Urg) or (TcpFlags.Syn | TcpFlags.Ack)
            or TcpFlags.Rst or (TcpFlags.Rst | TcpFlags.Ack)
            or (TcpFlags.Fin | TcpFlags.Ack) or (TcpFlags.Fin | TcpFlags.Ack | TcpFlags.Urg)
            or TcpFlags.Ack or (TcpFlags.Ack | TcpFlags.Urg);
    }

    /// <summary><c>get_conntrack_index</c>: RST, then SYN(/ACK), then FIN, then ACK.</summary>
    public static int FlagClass(TcpFlags flags)
    {
        if ((flags & TcpFlags.Rst) != 0)
            return TcpTransitionTable.Rst;
        if ((flags & TcpFlags.Syn) != 0)
            return (flags & TcpFlags.Ack) != 0 ? TcpTransitionTable.SynAck : TcpTransitionTable.Syn;
        if ((flags & TcpFlags.Fin) != 0)
            return TcpTransitionTable.Fin;
        if ((flags & TcpFlags.Ack) != 0)
            return TcpTransitionTable.Ack;
        return TcpTransitionTable.NoFlags;
    }

    /// <summary><c>tcp_new</c>: may this packet create an entry? Initialises the originator's window data.</summary>
    public static bool New(ref Entry entry, in PacketInfo p, TrackerConfig config)
    {
        var next = TcpTransitionTable.Next(0, FlagClass(p.TcpFlags), TcpConnState.None);
        ref var tcp = ref entry.Proto.Tcp;
        tcp = default;
        if (next == TcpConnState.SynSent)
        {
            InitSender(ref tcp.Original, p, pickup: false);
        }
        else if (next == TcpConnState.Established && config.TcpLoose)
        {
            // Mid-stream pickup: window unknown, so neither side is ever window-checked.
            InitSender(ref tcp.Original, p, pickup: true);
            tcp.Original.Flags = TcpWindowFlags.SackPermitted | TcpWindowFlags.BeLiberal;
            tcp.Reply.Flags = TcpWindowFlags.SackPermitted | TcpWindowFlags.BeLiberal;
        }
        else
        {
            return false;
        }
        tcp.State = TcpConnState.None;
        tcp.LastIndex = TcpTransitionTable.NoFlags;
        return true;
    }

    private static void InitSender(ref TcpWindowState sender, in PacketInfo p, bool pickup)
    {
        uint end = SegmentEnd(p);
        sender.End = end;
        sender.MaxWindow = Math.Max(1u, p.Window);
        sender.MaxEnd = pickup ? end + sender.MaxWindow : end;
        if (p.WindowScale >= 0)
        {
            sender.Scale = (byte)p.WindowScale;
            sender.Flags |= TcpWindowFlags.WindowScale;
        }
        if (p.SackPermitted)
            sender.Flags |= TcpWindowFlags.SackPermitted;
    }

    private static uint SegmentEnd(in PacketInfo p) =>
        p.Seq + (uint)p.PayloadLength + ((p.TcpFlags & TcpFlags.Syn) != 0 ? 1u : 0u) + ((p.TcpFlags & TcpFlags.Fin) != 0 ? 1u : 0u);

    /// <summary><c>nf_conntrack_tcp_packet</c> for an entry that exists (or was just created by <see cref="New"/>).</summary>
    public static TrackVerdict Packet(ref Entry entry, in PacketInfo p, int dir, TrackerConfig config, out long timeout)
    {
        timeout = 0;
        ref var tcp = ref entry.Proto.Tcp;
        int index = FlagClass(p.TcpFlags);
        var old = tcp.State;
        var next = TcpTransitionTable.Next(dir, index, old);
        uint end = SegmentEnd(p);

        if (next == TcpConnState.SynSent && old >= TcpConnState.TimeWait && old != TcpConnState.SynSent2)
        {
            // Reopen: allowed when a FIN closed the old connection, or this side reset it.
            bool closedByFin = ((tcp.Original.Flags | tcp.Reply.Flags) & TcpWindowFlags.CloseInit) != 0;
            bool resetBySameSide = tcp.LastDirection == dir && tcp.LastIndex == TcpTransitionTable.Rst;
            if (closedByFin || resetBySameSide)
                return TrackVerdict.Repeat;
            next = TcpConnState.Ignore;
        }

        if (next == TcpConnState.Ignore)
        {
            // A SYN/ACK answering a SYN we ignored from the other side re-synchronises the entry.
            if (index == TcpTransitionTable.SynAck && tcp.LastIndex == TcpTransitionTable.Syn &&
                tcp.LastDirection != dir && p.Ack == tcp.LastEnd)
            {
                old = TcpConnState.SynSent;
                next = TcpConnState.SynRecv;
                ref var initiator = ref dir == 0 ? ref tcp.Reply : ref tcp.Original;
                initiator.End = tcp.LastEnd;
                initiator.MaxEnd = tcp.LastEnd;
                initiator.MaxWindow = Math.Max(1u, tcp.LastWindow);
                initiator.Scale = tcp.LastWindowScale;
                initiator.Flags = tcp.LastFlags & (TcpWindowFlags.WindowScale | TcpWindowFlags.SackPermitted);
                ref var responder = ref dir == 0 ? ref tcp.Original : ref tcp.Reply;
                responder = default;
                InitSender(ref responder, p, pickup: false);
            }
            else
            {
                tcp.LastIndex = (byte)index;
                tcp.LastDirection = (byte)dir;
                tcp.LastSeq = p.Seq;
                tcp.LastEnd = end;
                tcp.LastWindow = p.Window;
                tcp.LastFlags = TcpWindowFlags.None;
                if (index == TcpTransitionTable.Syn && dir == 0)
                {
                    tcp.LastWindowScale = p.WindowScale >= 0 ? (byte)p.WindowScale : (byte)0;
                    if (p.WindowScale >= 0)
                        tcp.LastFlags |= TcpWindowFlags.WindowScale;
                    if (p.SackPermitted)
                        tcp.LastFlags |= TcpWindowFlags.SackPermitted;
                    if (old == TcpConnState.LastAck)
                        tcp.LastFlags |= TcpWindowFlags.ChallengeAck;
                }
                return TrackVerdict.AcceptUntouched;
            }
        }

        if (next == TcpConnState.Invalid)
            return TrackVerdict.Invalid;

        if (next == TcpConnState.TimeWait && old == TcpConnState.LastAck && index == TcpTransitionTable.Ack &&
            tcp.LastDirection != dir && tcp.LastIndex == TcpTransitionTable.Syn &&
            (tcp.LastFlags & TcpWindowFlags.ChallengeAck) != 0)
        {
            // RFC 5961 challenge ACK answering a SYN we ignored in LAST_ACK: not a real close.
            return TrackVerdict.AcceptUntouched;
        }

        if (next == TcpConnState.SynSent2)
        {
            tcp.LastFlags |= TcpWindowFlags.SimultaneousOpen;
        }
        else if (next == TcpConnState.SynRecv && dir == 1 && index == TcpTransitionTable.Ack &&
                 (tcp.LastFlags & TcpWindowFlags.SimultaneousOpen) != 0)
        {
            next = TcpConnState.Established;
        }

        CountRetransmission(ref tcp, p, dir, index, end);

        tcp.State = next;
        tcp.LastIndex = (byte)index;
        tcp.LastDirection = (byte)dir;
        if (next != old && next == TcpConnState.FinWait)
            (dir == 0 ? ref tcp.Original : ref tcp.Reply).Flags |= TcpWindowFlags.CloseInit;
        UpdateSender(ref dir == 0 ? ref tcp.Original : ref tcp.Reply, p, end);

        var timeouts = config.TcpTimeouts;
        long t = timeouts[(int)next];
        if (tcp.Retransmissions >= config.TcpMaxRetrans && t > timeouts[TrackerConfig.TcpRetransIndex])
            t = timeouts[TrackerConfig.TcpRetransIndex];
        else if (index == TcpTransitionTable.Rst)
            t = timeouts[(int)TcpConnState.Close];
        else if (index == TcpTransitionTable.Ack && p.Window == 0 && t > timeouts[TrackerConfig.TcpRetransIndex])
            t = timeouts[TrackerConfig.TcpRetransIndex];

        if ((entry.Status & EntryStatus.SeenReply) == 0)
        {
            if (index == TcpTransitionTable.Rst)
                return TrackVerdict.AcceptAndDelete;
            if (index == TcpTransitionTable.Syn && old == TcpConnState.SynSent)
                return TrackVerdict.AcceptUntouched;
            if (next == TcpConnState.Established && t > timeouts[TrackerConfig.TcpUnackIndex])
                t = timeouts[TrackerConfig.TcpUnackIndex];
        }
        else if ((entry.Status & EntryStatus.Assured) == 0 &&
                 old is TcpConnState.SynRecv or TcpConnState.Established && next == TcpConnState.Established)
        {
            entry.Status |= EntryStatus.Assured;
        }
        timeout = t;
        return TrackVerdict.Accept;
    }

    /// <summary>Identical consecutive ACK-class segments count as retransmissions (kernel <c>tcp_in_window</c> bookkeeping).</summary>
    private static void CountRetransmission(ref TcpConnection tcp, in PacketInfo p, int dir, int index, uint end)
    {
        if (index != TcpTransitionTable.Ack)
            return;
        if (tcp.LastDirection == dir && tcp.LastIndex == TcpTransitionTable.Ack && tcp.LastSeq == p.Seq &&
            tcp.LastAck == p.Ack && tcp.LastEnd == end && tcp.LastWindow == p.Window)
        {
            if (tcp.Retransmissions < byte.MaxValue)
                tcp.Retransmissions++;
        }
        else
        {
            tcp.LastSeq = p.Seq;
            tcp.LastAck = p.Ack;
            tcp.LastEnd = end;
            tcp.LastWindow = p.Window;
            tcp.Retransmissions = 0;
        }
    }

    private static void UpdateSender(ref TcpWindowState sender, in PacketInfo p, uint end)
    {
        if ((int)(end - sender.End) > 0)
            sender.End = end;
        if ((p.TcpFlags & TcpFlags.Ack) != 0)
        {
            sender.MaxAck = p.Ack;
            sender.Flags |= TcpWindowFlags.MaxAckSet;
        }
    }

    /// <summary>Name printed in /proc and by conntrack(8).</summary>
    public static string StateName(TcpConnState state) => state switch
    {
        TcpConnState.None => "NONE",
        TcpConnState.SynSent => "SYN_SENT",
        TcpConnState.SynRecv => "SYN_RECV",
        TcpConnState.Established => "ESTABLISHED",
        TcpConnState.FinWait => "FIN_WAIT",
        TcpConnState.CloseWait => "CLOSE_WAIT",
        TcpConnState.LastAck => "LAST_ACK",
        TcpConnState.TimeWait => "TIME_WAIT",
        TcpConnState.Close => "CLOSE",
        TcpConnState.SynSent2 => "SYN_SENT2",
        _ => "INVALID",
    };
}
