using Conntrack.Packets;

namespace Conntrack.Protocols;

/// <summary>
/// Sequence and window tracking after <c>tcp_in_window</c> (nf_conntrack_proto_tcp.c), the rules of
/// "Real Stateful TCP Packet Filtering in IP Filter" as the kernel adapted them:
/// I. seq ≤ sender.maxend; II. end ≥ sender.end − receiver.maxwin; III. sack ≤ receiver.end;
/// IV. sack ≥ receiver.end − MAXACKWINDOW.
/// </summary>
internal static class TcpWindow
{
    private const uint MaxAckWindowFloor = 66000;

    /// <summary>Sequence number after the segment: payload plus one for SYN and one for FIN.</summary>
    public static uint SegmentEnd(in PacketInfo p) =>
        p.Seq + (uint)p.PayloadLength + ((p.TcpFlags & TcpFlags.Syn) != 0 ? 1u : 0u) + ((p.TcpFlags & TcpFlags.Fin) != 0 ? 1u : 0u);

    /// <summary>
    /// <c>tcp_options</c>: window scale and SACK-permitted into a direction's state. Only when the
    /// header carries options, and then everything but BE_LIBERAL is reset first, as the kernel does.
    /// </summary>
    public static void ReadOptions(ref TcpWindowState state, in PacketInfo p)
    {
        if (p.TcpHeaderLength <= 20)
            return;
        state.Scale = 0;
        state.Flags &= TcpWindowFlags.BeLiberal;
        if (p.SackPermitted)
            state.Flags |= TcpWindowFlags.SackPermitted;
        if (p.WindowScale >= 0)
        {
            state.Scale = (byte)p.WindowScale;
            state.Flags |= TcpWindowFlags.WindowScale;
        }
    }

    /// <summary><c>tcp_init_sender</c>: a SYN/ACK (or a reply SYN) starts its direction's window data.</summary>
    private static void InitSender(ref TcpWindowState sender, ref TcpWindowState receiver, in PacketInfo p, uint end, int dir)
    {
        sender.End = end;
        sender.MaxEnd = end;
        sender.MaxWindow = p.Window == 0 ? 1u : p.Window;
        ReadOptions(ref sender, p);
        // RFC 7323: scaling applies only if both sides offered it.
        if (dir == 1 && !((sender.Flags & TcpWindowFlags.WindowScale) != 0 && (receiver.Flags & TcpWindowFlags.WindowScale) != 0))
        {
            sender.Scale = 0;
            receiver.Scale = 0;
        }
    }

    private static uint MaxAckWindow(in TcpWindowState sender) => Math.Max(sender.MaxWindow, MaxAckWindowFloor);

    public static TcpWindowResult Check(ref TcpConnection tcp, in PacketInfo p, int dir, int index, bool beLiberal)
    {
        ref var sender = ref TcpTracker.Side(ref tcp, dir);
        ref var receiver = ref TcpTracker.Side(ref tcp, 1 - dir);
        bool syn = (p.TcpFlags & TcpFlags.Syn) != 0;
        bool hasAck = (p.TcpFlags & TcpFlags.Ack) != 0;
        bool rst = (p.TcpFlags & TcpFlags.Rst) != 0;
        uint seq = p.Seq;
        uint ack = p.Ack;
        uint sack = ack;
        uint win = p.Window;
        uint end = SegmentEnd(p);

        if ((receiver.Flags & TcpWindowFlags.SackPermitted) != 0 && p.HasSack && TcpSeq.After(p.SackRightEdge, sack))
            sack = p.SackRightEdge;

        if (sender.MaxWindow == 0)
        {
            if (syn)
            {
                InitSender(ref sender, ref receiver, p, end, dir);
                if (!hasAck)
                    return TcpWindowResult.Accept; // simultaneous open: the reply's own SYN
            }
            else
            {
                // Mid-connection: history lost, take what this packet says.
                sender.End = end;
                uint scaled = win << sender.Scale;
                sender.MaxWindow = scaled == 0 ? 1u : scaled;
                sender.MaxEnd = end + sender.MaxWindow;
                if (receiver.MaxWindow == 0)
                {
                    // Nothing seen the other way yet: make III and IV pass until it is.
                    receiver.End = receiver.MaxEnd = sack;
                }
                else if (sack == receiver.End + 1)
                {
                    receiver.End++; // answer to a keep-alive
                }
            }
        }
        else if (syn && TcpSeq.After(end, sender.End) && tcp.State is TcpConnState.SynSent or TcpConnState.SynRecv)
        {
            // RFC 793: a reinitialised TCP may reuse the connection with higher sequence numbers.
            InitSender(ref sender, ref receiver, p, end, dir);
            if (dir == 1 && !hasAck)
                return TcpWindowResult.Accept;
        }

        if (!hasAck)
        {
            ack = sack = receiver.End; // no ACK: pretend it acknowledged everything
        }
        else if (rst && ack == 0)
        {
            ack = sack = receiver.End; // broken stacks send RST+ACK with ack 0
        }

        if (rst && seq == 0 && tcp.State == TcpConnState.SynSent)
            seq = end = sender.End; // RST answering a SYN

        if (!TcpSeq.Before(seq, sender.MaxEnd + 1))
        {
            uint overshot = end - sender.MaxEnd + 1;
            bool ackOk = TcpSeq.After(sack, receiver.End - MaxAckWindow(sender) - 1);
            bool inReceiveWindow = receiver.MaxWindow != 0 && TcpSeq.After(end, sender.End - receiver.MaxWindow - 1);
            if (inReceiveWindow && ackOk && overshot <= receiver.MaxWindow && TcpSeq.Before(sack, receiver.End + 1))
            {
                // A sender that overshoots the receiver's window: remember the data so the peer's
                // ACK of it is not judged "ACK over upper bound" later.
                sender.End = end;
                sender.Flags |= TcpWindowFlags.DataUnacknowledged;
                return Fail(sender, beLiberal, TcpWindowResult.Ignore);
            }
            return Fail(sender, beLiberal, TcpWindowResult.Invalid);
        }
        if (!TcpSeq.Before(sack, receiver.End + 1))
            return Fail(sender, beLiberal, TcpWindowResult.Invalid); // ACKs data not seen yet
        if (receiver.MaxWindow != 0 && !TcpSeq.After(end, sender.End - receiver.MaxWindow - 1))
            return Fail(sender, beLiberal, TcpWindowResult.Ignore); // already acknowledged data again
        if (!TcpSeq.After(sack, receiver.End - MaxAckWindow(sender) - 1))
            return Fail(sender, beLiberal, TcpWindowResult.Ignore); // overly delayed ACK

        if (!syn)
            win <<= sender.Scale;

        uint senderWindow = win + (sack - ack);
        if (sender.MaxWindow < senderWindow)
            sender.MaxWindow = senderWindow;
        if (TcpSeq.After(end, sender.End))
        {
            sender.End = end;
            sender.Flags |= TcpWindowFlags.DataUnacknowledged;
        }
        if (hasAck)
        {
            if ((sender.Flags & TcpWindowFlags.MaxAckSet) == 0)
            {
                sender.MaxAck = ack;
                sender.Flags |= TcpWindowFlags.MaxAckSet;
            }
            else if (TcpSeq.After(ack, sender.MaxAck))
            {
                sender.MaxAck = ack;
            }
        }

        if (receiver.MaxWindow != 0 && TcpSeq.After(end, sender.MaxEnd))
            receiver.MaxWindow += end - sender.MaxEnd;
        if (TcpSeq.After(sack + win, receiver.MaxEnd - 1))
        {
            receiver.MaxEnd = sack + win;
            if (win == 0)
                receiver.MaxEnd++;
        }
        if (ack == receiver.End)
            receiver.Flags &= ~TcpWindowFlags.DataUnacknowledged;

        // Identical consecutive ACK-class segments are retransmissions.
        if (index == TcpTransitionTable.Ack)
        {
            if (tcp.LastDirection == dir && tcp.LastSeq == seq && tcp.LastAck == ack && tcp.LastEnd == end && tcp.LastWindow == p.Window)
            {
                if (tcp.Retransmissions < byte.MaxValue)
                    tcp.Retransmissions++;
            }
            else
            {
                tcp.LastDirection = (byte)dir;
                tcp.LastSeq = seq;
                tcp.LastAck = ack;
                tcp.LastEnd = end;
                tcp.LastWindow = p.Window;
                tcp.Retransmissions = 0;
            }
        }
        return TcpWindowResult.Accept;
    }

    /// <summary><c>nf_tcp_store_invalid</c>: a liberal sender (pickup) or <c>tcp_be_liberal=1</c> accepts anyway.</summary>
    private static TcpWindowResult Fail(in TcpWindowState sender, bool beLiberal, TcpWindowResult result) =>
        beLiberal || (sender.Flags & TcpWindowFlags.BeLiberal) != 0 ? TcpWindowResult.Accept : result;
}
