using Conntrack.Packets;
using Conntrack.Table;
using Conntrack.Timeouts;

namespace Conntrack.Protocols;

/// <summary>
/// TCP connection tracking after nf_conntrack_proto_tcp.c (6.18): flag validation (<c>tcp_error</c>),
/// first-packet rules (<c>tcp_new</c>), the transition table, reopen and resynchronisation, RST
/// sequence rules, window tracking (<see cref="TcpWindow"/>), ASSURED and timeout selection.
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
        uint end = TcpWindow.SegmentEnd(p);
        if (next == TcpConnState.SynSent)
        {
            tcp.Original.End = end;
            tcp.Original.MaxWindow = Math.Max(1u, p.Window);
            tcp.Original.MaxEnd = end;
            TcpWindow.ReadOptions(ref tcp.Original, p);
        }
        else if (next == TcpConnState.Established && config.TcpLoose)
        {
            // Mid-stream pickup: the window is unknown, so neither side is ever window-checked.
            tcp.Original.End = end;
            tcp.Original.MaxWindow = Math.Max(1u, p.Window);
            tcp.Original.MaxEnd = end + tcp.Original.MaxWindow;
            tcp.Original.Flags = TcpWindowFlags.SackPermitted | TcpWindowFlags.BeLiberal;
            tcp.Reply.Flags = TcpWindowFlags.SackPermitted | TcpWindowFlags.BeLiberal;
        }
        else
        {
            return false;
        }
        tcp.LastIndex = TcpTransitionTable.NoFlags;
        return true;
    }

    /// <summary><c>nf_conntrack_tcp_packet</c> for an entry that exists (or was just accepted by <see cref="New"/>).</summary>
    public static TrackVerdict Packet(ref Entry entry, in PacketInfo p, int dir, TrackerConfig config, uint nowTick, out long timeout)
    {
        timeout = 0;
        ref var tcp = ref entry.Proto.Tcp;
        int index = FlagClass(p.TcpFlags);
        var old = tcp.State;
        var next = TcpTransitionTable.Next(dir, index, old);
        bool skipWindow = false;
        if (p.TcpHeaderCut)
        {
            // The capture lost the window or the options (window scale, SACK) the kernel judged this
            // connection by: like a mid-stream pickup, it is tracked liberally from here on.
            tcp.Original.Flags |= TcpWindowFlags.BeLiberal;
            tcp.Reply.Flags |= TcpWindowFlags.BeLiberal;
        }

        // The kernel's switch on the state the table chose: the cases the table alone gets wrong.
        switch (next)
        {
            case TcpConnState.SynSent when old >= TcpConnState.TimeWait:
            case TcpConnState.Ignore:
                if (!ResynchroniseOnIgnored(ref tcp, p, dir, index, ref old, ref next, out var verdict))
                    return verdict;
                break;

            case TcpConnState.Invalid:
                return TrackVerdict.Invalid;

            case TcpConnState.TimeWait:
                if (old == TcpConnState.LastAck && index == TcpTransitionTable.Ack && tcp.LastDirection != dir &&
                    tcp.LastIndex == TcpTransitionTable.Syn && (tcp.LastFlags & TcpWindowFlags.ChallengeAck) != 0)
                {
                    // RFC 5961 challenge ACK answering a SYN we let through in LAST_ACK: not the final ACK.
                    tcp.LastFlags &= ~TcpWindowFlags.ChallengeAck;
                    return TrackVerdict.AcceptUntouched;
                }
                break;

            case TcpConnState.SynSent2:
                // The table cannot express simultaneous open on its own.
                tcp.LastFlags |= TcpWindowFlags.SimultaneousOpen;
                break;

            case TcpConnState.SynRecv:
                if (dir == 1 && index == TcpTransitionTable.Ack && (tcp.LastFlags & TcpWindowFlags.SimultaneousOpen) != 0)
                    next = TcpConnState.Established;
                break;

            case TcpConnState.Close when index == TcpTransitionTable.Rst:
                if (!CheckReset(ref entry, ref tcp, p, dir, config, ref next, ref skipWindow))
                    return TrackVerdict.Invalid;
                break;
        }

        if (!skipWindow)
        {
            var window = TcpWindow.Check(ref tcp, p, dir, index, config.TcpBeLiberal);
            if (window == TcpWindowResult.Ignore)
                return TrackVerdict.AcceptUntouched;
            if (window == TcpWindowResult.Invalid)
            {
                LowerTimeoutOnInvalid(ref entry, ref tcp, dir, index, config, nowTick);
                return TrackVerdict.Invalid;
            }
        }

        // From here the packet is in window.
        tcp.LastIndex = (byte)index;
        tcp.LastDirection = (byte)dir;
        tcp.State = next;
        if (old != next && next == TcpConnState.FinWait)
            Side(ref tcp, dir).Flags |= TcpWindowFlags.CloseInit;

        return ApplyReplyStatus(ref entry, index, old, next, config, StateTimeout(in tcp, next, index, config), out timeout);
    }

    /// <summary>
    /// The IGNORE case, and a SYN moving to SYN_SENT from TIME_WAIT or later. Returns false with the verdict when
    /// the packet reopens the connection (<see cref="TrackVerdict.Repeat"/>) or is ignored; true when
    /// a SYN/ACK answers a SYN we ignored, after rewinding to SYN_SENT so the window check goes on.
    /// </summary>
    private static bool ResynchroniseOnIgnored(ref TcpConnection tcp, in PacketInfo p, int dir, int index,
        ref TcpConnState old, ref TcpConnState next, out TrackVerdict verdict)
    {
        // Reopen (RFC 1122 TIME-WAIT assassination): allowed when a FIN closed the old
        // connection, or when this side reset it; otherwise the SYN is only ignored.
        if (next == TcpConnState.SynSent &&
            (((tcp.Original.Flags | tcp.Reply.Flags) & TcpWindowFlags.CloseInit) != 0 ||
             (tcp.LastDirection == dir && tcp.LastIndex == TcpTransitionTable.Rst)))
        {
            verdict = TrackVerdict.Repeat;
            return false;
        }
        if (index == TcpTransitionTable.SynAck && tcp.LastIndex == TcpTransitionTable.Syn &&
            tcp.LastDirection != dir && p.Ack == tcp.LastEnd)
        {
            // The SYN/ACK answers a SYN we ignored: client and server are in sync, we are not.
            // Take the ignored SYN as the opening and start over from SYN_SENT.
            old = TcpConnState.SynSent;
            next = TcpConnState.SynRecv;
            ref var opener = ref Side(ref tcp, tcp.LastDirection);
            opener.End = tcp.LastEnd;
            opener.MaxEnd = tcp.LastEnd;
            opener.MaxWindow = tcp.LastWindow == 0 ? 1u : tcp.LastWindow;
            opener.Scale = tcp.LastWindowScale;
            tcp.LastFlags &= ~TcpWindowFlags.ChallengeAck;
            opener.Flags = tcp.LastFlags;
            ref var responder = ref Side(ref tcp, dir);
            responder.End = responder.MaxEnd = responder.MaxWindow = responder.MaxAck = 0;
            responder.Scale = 0;
            responder.Flags &= TcpWindowFlags.BeLiberal;
            verdict = default;
            return true;
        }
        RememberIgnored(ref tcp, p, dir, index, old);
        verdict = TrackVerdict.AcceptUntouched;
        return false;
    }

    /// <summary>
    /// The kernel's timeout choice for an in-window packet: the new state's timeout, capped by
    /// max_retrans after too many retransmissions, CLOSE for any RST, unacknowledged while data
    /// is outstanding or the peer's window is zero.
    /// </summary>
    private static long StateTimeout(in TcpConnection tcp, TcpConnState next, int index, TrackerConfig config)
    {
        long retransTimeout = config.Timeout(TimeoutClass.TcpMaxRetrans);
        long unackTimeout = config.Timeout(TimeoutClass.TcpUnacknowledged);
        long t = config.Timeout(TimeoutRules.ForTcp(next));
        if (tcp.Retransmissions >= config.TcpMaxRetrans && t > retransTimeout)
            t = retransTimeout;
        else if (index == TcpTransitionTable.Rst)
            t = config.Timeout(TimeoutClass.TcpClose); // 6.13+: any accepted RST, even one that kept the state
        else if (((tcp.Original.Flags | tcp.Reply.Flags) & TcpWindowFlags.DataUnacknowledged) != 0 && t > unackTimeout)
            t = unackTimeout;
        else if (tcp.LastWindow == 0 && t > retransTimeout)
            t = retransTimeout;
        return t;
    }

    /// <summary>
    /// The end of <c>nf_conntrack_tcp_packet</c>: before any reply, a RST deletes the entry, a
    /// retransmitted SYN does not refresh it and a mid-stream pickup gets no long timeout; after a
    /// reply, SYN_RECV or ESTABLISHED moving to ESTABLISHED makes the entry ASSURED.
    /// </summary>
    private static TrackVerdict ApplyReplyStatus(ref Entry entry, int index, TcpConnState old, TcpConnState next,
        TrackerConfig config, long t, out long timeout)
    {
        timeout = 0;
        if ((entry.Status & EntryStatus.SeenReply) == 0)
        {
            // The only answer so far is a RST: the connection never existed, forget it now.
            if (index == TcpTransitionTable.Rst)
                return TrackVerdict.AcceptAndDelete;
            // A retransmitted SYN must not keep a port-reused entry alive forever.
            if (index == TcpTransitionTable.Syn && old == TcpConnState.SynSent)
                return TrackVerdict.AcceptUntouched;
            // Mid-stream pickup without an answer yet: no five-day timeout.
            long unackTimeout = config.Timeout(TimeoutClass.TcpUnacknowledged);
            if (next == TcpConnState.Established && t > unackTimeout)
                t = unackTimeout;
        }
        else if ((entry.Status & EntryStatus.Assured) == 0 &&
                 old is TcpConnState.SynRecv or TcpConnState.Established && next == TcpConnState.Established)
        {
            entry.Status |= EntryStatus.Assured;
        }
        timeout = t;
        return TrackVerdict.Accept;
    }

    /// <summary>Per-direction window state: index 0 = original, 1 = reply (kernel <c>seen[dir]</c>).</summary>
    internal static ref TcpWindowState Side(ref TcpConnection tcp, int dir) =>
        ref dir == 0 ? ref tcp.Original : ref tcp.Reply;

    /// <summary>Annotates an ignored packet so a later SYN/ACK or RST can be matched against it.</summary>
    private static void RememberIgnored(ref TcpConnection tcp, in PacketInfo p, int dir, int index, TcpConnState old)
    {
        tcp.LastIndex = (byte)index;
        tcp.LastDirection = (byte)dir;
        tcp.LastSeq = p.Seq;
        tcp.LastEnd = TcpWindow.SegmentEnd(p);
        tcp.LastWindow = p.Window;
        if (index == TcpTransitionTable.Syn && dir == 0)
        {
            // A SYN in ORIGINAL: remember its options for a resynchronising SYN/ACK, and expect a
            // challenge ACK if the old connection was in LAST_ACK.
            tcp.LastFlags = TcpWindowFlags.None;
            tcp.LastWindowScale = 0;
            if (p.WindowScale >= 0)
            {
                tcp.LastFlags |= TcpWindowFlags.WindowScale;
                tcp.LastWindowScale = (byte)p.WindowScale;
            }
            if (p.SackPermitted)
                tcp.LastFlags |= TcpWindowFlags.SackPermitted;
            if (old == TcpConnState.LastAck)
                tcp.LastFlags |= TcpWindowFlags.ChallengeAck;
        }
        // A reply ACK in SYN_SENT may be a challenge ACK; a RST may follow quoting its ack number.
        if (old == TcpConnState.SynSent && index == TcpTransitionTable.Ack && dir == 1)
            tcp.LastAck = p.Ack;
    }

    /// <summary>
    /// The RST rules of the CLOSE case: below the peer's highest ACK is invalid; an inexact but
    /// in-window RST on an established, assured connection keeps the state (room for a challenge
    /// ACK); some RSTs skip the window check. Returns false for an invalid RST.
    /// </summary>
    private static bool CheckReset(ref Entry entry, ref TcpConnection tcp, in PacketInfo p, int dir, TrackerConfig config,
        ref TcpConnState next, ref bool skipWindow)
    {
        var old = tcp.State;
        // Closing states: the tuple may already be reused, the recorded sequence data is stale.
        if (CanEarlyDrop(old))
        {
            skipWindow = true;
            return true;
        }
        bool established = old == TcpConnState.Established && (entry.Status & EntryStatus.Assured) != 0;
        ref var peer = ref Side(ref tcp, 1 - dir);
        if ((peer.Flags & TcpWindowFlags.MaxAckSet) != 0 && tcp.LastIndex != TcpTransitionTable.Syn)
        {
            uint seq = p.Seq;
            // seq 0 outside an established connection: most likely the answer to a SYN we let through.
            if (seq == 0 && !established)
                return true;
            if (TcpSeq.Before(seq, peer.MaxAck) && !config.TcpIgnoreInvalidRst)
                return false;
            if (!established || seq == peer.MaxAck)
                return true;
            // Part of a train: data then RST at its end, from the same side.
            if (tcp.LastIndex == TcpTransitionTable.Ack && tcp.LastDirection == dir && seq == tcp.LastEnd)
                return true;
            next = old;
        }
        bool answersIgnored =
            ((entry.Status & EntryStatus.SeenReply) != 0 && tcp.LastIndex == TcpTransitionTable.Syn && tcp.LastDirection != dir) ||
            ((entry.Status & EntryStatus.Assured) == 0 && tcp.LastIndex == TcpTransitionTable.Ack);
        if (answersIgnored && p.Ack == tcp.LastEnd)
        {
            // RST to a SYN or half-open ACK we let through: it may acknowledge what we ignored.
            skipWindow = true;
            return true;
        }
        if (old == TcpConnState.SynSent && tcp.LastIndex == TcpTransitionTable.Ack && tcp.LastDirection == 1 && p.Seq == tcp.LastAck)
            skipWindow = true; // answers a challenge ACK we let through
        return true;
    }

    /// <summary>
    /// <c>nf_tcp_handle_invalid</c>: an out-of-window FIN or RST answering a FIN or RST of the other
    /// side shortens a long-lived assured entry to the unacknowledged timeout.
    /// </summary>
    private static void LowerTimeoutOnInvalid(ref Entry entry, ref TcpConnection tcp, int dir, int index, TrackerConfig config, uint nowTick)
    {
        if ((entry.Status & EntryStatus.Assured) == 0 || (entry.Status & EntryStatus.FixedTimeout) != 0)
            return;
        if (index is not (TcpTransitionTable.Rst or TcpTransitionTable.Fin))
            return;
        if (tcp.LastDirection != dir && tcp.LastIndex is TcpTransitionTable.Fin or TcpTransitionTable.Rst)
        {
            long remaining = entry.RemainingNanos(nowTick);
            long unack = config.Timeout(TimeoutClass.TcpUnacknowledged);
            if (remaining >= 120 * TrackerConfig.NanosPerSecond && remaining > unack)
                entry.Refresh(nowTick, unack);
        }
        else
        {
            tcp.LastIndex = (byte)index;
            tcp.LastDirection = (byte)dir;
        }
    }

    /// <summary><c>tcp_can_early_drop</c>: closing states, which GC early-drop may evict even when ASSURED.</summary>
    public static bool CanEarlyDrop(TcpConnState state) =>
        state is TcpConnState.FinWait or TcpConnState.CloseWait or TcpConnState.LastAck or TcpConnState.TimeWait or TcpConnState.Close;
}
