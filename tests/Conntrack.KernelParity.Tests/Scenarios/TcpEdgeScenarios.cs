using Conntrack.TestData;
using Conntrack.Packets;

namespace Conntrack.KernelParity.Tests.Scenarios;

/// <summary>
/// Named TCP edge cases beyond the single-cell probes: RST sequence checks, retransmission and
/// window rules, window scaling and SACK, reopening, mid-stream pickup and invalid flag combinations
/// (reference §4.4–4.7 and §10).
/// </summary>
internal static class TcpEdgeScenarios
{
    private const TcpFlags Syn = TcpFlags.Syn;
    private const TcpFlags SynAck = TcpFlags.Syn | TcpFlags.Ack;
    private const TcpFlags Ack = TcpFlags.Ack;
    private const TcpFlags PshAck = TcpFlags.Psh | TcpFlags.Ack;
    private const TcpFlags FinAck = TcpFlags.Fin | TcpFlags.Ack;
    private const TcpFlags Rst = TcpFlags.Rst;
    private const TcpFlags RstAck = TcpFlags.Rst | TcpFlags.Ack;

    public static IEnumerable<Scenario> All()
    {
        yield return Make("tcp/handshake-data", "handshake and data both ways: ESTABLISHED, ASSURED", (s, c) => s.Add(c.Established()));
        yield return Make("tcp/full-close", "FIN/ACK from both sides: TIME_WAIT", (s, c) => s.Add(c.Established()).Add(c.Close()));
        yield return Make("tcp6/handshake-close", "IPv6: handshake, data and FIN close", (s, c) => s.Add(c.Established()).Add(c.Close()), ipv6: true);
        yield return Make("tcp6/rst-refused", "IPv6: SYN answered by RST/ACK: entry deleted", (s, c) => s.Add(c.Client(Syn)).Add(c.Server(RstAck)), ipv6: true);

        // RST variants (reference §4.5 item 6, §4.6).
        yield return Make("tcp/rst-before-reply", "SYN then the client's own RST, no reply ever: entry deleted", (s, c) =>
            s.Add(c.Client(Syn)).Add(c.Client(Rst)));
        yield return Make("tcp/rst-refused", "SYN answered by RST/ACK (connection refused): entry deleted", (s, c) =>
            s.Add(c.Client(Syn)).Add(c.Server(RstAck)));
        yield return Make("tcp/rst-established-exact", "RST at exactly the sequence the peer acknowledged: CLOSE 10 s", (s, c) =>
            s.Add(c.Established()).Add(c.Server(Rst)));
        yield return Make("tcp/rst-ack-established-exact", "RST/ACK at the exact sequence: CLOSE", (s, c) =>
            s.Add(c.Established()).Add(c.Client(RstAck)));
        yield return Make("tcp/rst-established-inexact", "in-window but inexact RST on an assured entry: state kept, timeout 10 s (6.13+)", (s, c) =>
            s.Add(c.Established()).Add(c.Server(Rst, seq: c.ServerNext + 1000)));
        yield return Make("tcp/rst-below-window", "RST below the peer's highest ACK: invalid", (s, c) =>
            s.Add(c.Established()).Add(c.Server(Rst, seq: c.ServerNext - 50)));
        yield return Make("tcp/rst-far-out-of-window", "RST 3,000,000 beyond the window: invalid", (s, c) =>
            s.Add(c.Established()).Add(c.Server(Rst, seq: c.ServerNext + 3_000_000)));
        yield return Make("tcp/rst-after-unacked-data", "RST at the end of the same side's unacknowledged data: CLOSE", (s, c) =>
            s.Add(c.Established()).Add(c.Client(PshAck, 200)).Add(c.Client(Rst)));

        yield return Make("tcp/simultaneous-open", "both sides send SYN, then SYN/ACKs and ACKs (SYN_SENT2 path)", (s, c) =>
        {
            s.Add(c.Client(Syn)).Add(c.Server(Syn));
            s.Add(c.Client(SynAck, seq: c.ClientNext - 1)).Add(c.Server(SynAck, seq: c.ServerNext - 1));
            s.Add(c.Client(Ack)).Add(c.Server(Ack));
        });

        // Retransmissions and timeout selection (reference §4.5 items 8 and 10).
        yield return Make("tcp/syn-retransmissions-no-refresh", "SYN retransmitted after 3 s and 6 s: the SYN_SENT timeout still runs from the first (114, not 119)", (s, c) =>
        {
            uint isn = c.ClientNext;
            s.Add(c.Client(Syn)).Wait(TimeSpan.FromSeconds(3)).Add(c.Client(Syn, seq: isn)).Wait(TimeSpan.FromSeconds(3)).Add(c.Client(Syn, seq: isn));
        });
        yield return Make("tcp/syn-retransmission-then-handshake", "a retransmitted SYN, then SYN/ACK and ACK", (s, c) =>
        {
            uint isn = c.ClientNext;
            s.Add(c.Client(Syn)).Add(c.Client(Syn, seq: isn)).Add(c.Server(SynAck)).Add(c.Client(Ack));
        });
        yield return Make("tcp/ack-retransmissions", "four identical reply ACKs (three repeats): 300 s", (s, c) =>
        {
            s.Add(c.Established());
            for (int i = 0; i < 4; i++)
                s.Add(c.Server(Ack));
        });
        yield return Make("tcp/ack-retransmissions-then-new-ack", "after three repeated ACKs a new ACK restores 432000 s", (s, c) =>
        {
            s.Add(c.Established());
            for (int i = 0; i < 4; i++)
                s.Add(c.Server(Ack));
            s.Add(c.Client(PshAck, 10)).Add(c.Server(Ack));
        });
        yield return Make("tcp/zero-window", "an ACK announcing window 0: 300 s", (s, c) =>
            s.Add(c.Established()).Add(c.Server(Ack, window: 0)));
        yield return Make("tcp/zero-window-reopened", "window 0, then a window update: 432000 s again", (s, c) =>
            s.Add(c.Established()).Add(c.Server(Ack, window: 0)).Add(c.Server(Ack)));
        yield return Make("tcp/unacknowledged-data", "data nobody acknowledged yet: 300 s", (s, c) =>
            s.Add(c.Established()).Add(c.Client(PshAck, 500)));
        yield return Make("tcp/data-far-beyond-window", "data 3,000,000 beyond the receiver's window: invalid", (s, c) =>
            s.Add(c.Established()).Add(c.Client(PshAck, 100, seq: c.ClientNext + 3_000_000)));
        yield return Make("tcp/ack-of-unseen-data", "an ACK for 100000 bytes the peer never sent: invalid", (s, c) =>
            s.Add(c.Established()).Add(c.Client(Ack, ack: c.ServerNext + 100_000)));
        yield return Make("tcp/ack-below-window", "an ACK far below what was already acknowledged (overly delayed): ignored", (s, c) =>
            s.Add(c.Established()).Add(c.Client(Ack, ack: c.ServerNext - 200_000)));
        yield return Make("tcp/old-data-retransmitted", "data already acknowledged sent again: accepted or ignored", (s, c) =>
        {
            s.Add(c.Established());
            s.Add(c.Client(PshAck, 100, seq: c.ClientNext - 100));
        });

        // Window scaling (honoured only when both SYN and SYN/ACK carry the option) and SACK.
        foreach (var (name, clientScale, serverScale) in new (string, byte?, byte?)[]
                 {
                     ("tcp/wscale-both", 7, 7), ("tcp/wscale-syn-only", 7, null), ("tcp/wscale-synack-only", null, 7), ("tcp/wscale-none", null, null),
                 })
        {
            yield return Make(name, "data 200000 ahead with a scaled window of 2000 << 7: in window only if both sides scale", (s, c) =>
            {
                s.Add(c.Client(Syn, options: TcpConn.SynOptions(clientScale)));
                s.Add(c.Server(SynAck, window: 65535, options: TcpConn.SynOptions(serverScale)));
                s.Add(c.Client(Ack, window: 502));
                s.Add(c.Server(Ack, window: 2000));
                s.Add(c.Client(PshAck, 1000, seq: c.ClientNext + 200_000, window: 502));
            });
        }
        yield return Make("tcp/sack-within-data", "SACK block over data the client did send: accepted", (s, c) =>
        {
            s.Add(c.Client(Syn, options: TcpConn.SynOptions(sackPermitted: true)));
            s.Add(c.Server(SynAck, options: TcpConn.SynOptions(sackPermitted: true)));
            s.Add(c.Client(Ack));
            uint first = c.ClientNext;
            s.Add(c.Client(PshAck, 100));
            c.ClientNext += 100; // the second segment is lost before B
            uint third = c.ClientNext;
            s.Add(c.Client(PshAck, 100));
            s.Add(c.Server(Ack, ack: first + 100, options: TcpConn.SackOption(third, third + 100)));
        });
        yield return Make("tcp/sack-beyond-data", "SACK block beyond anything the client sent: invalid", (s, c) =>
        {
            s.Add(c.Client(Syn, options: TcpConn.SynOptions(sackPermitted: true)));
            s.Add(c.Server(SynAck, options: TcpConn.SynOptions(sackPermitted: true)));
            s.Add(c.Client(Ack)).Add(c.Client(PshAck, 100));
            s.Add(c.Server(Ack, options: TcpConn.SackOption(c.ClientNext + 5000, c.ClientNext + 6000)));
        });
        yield return Make("tcp/sack-not-permitted", "the same SACK block without SACK-permitted in the handshake: SACK ignored", (s, c) =>
        {
            s.Add(c.Handshake()).Add(c.Client(PshAck, 100));
            s.Add(c.Server(Ack, options: TcpConn.SackOption(c.ClientNext + 5000, c.ClientNext + 6000)));
        });

        // Reopening a closed connection (reference §4.5 item 1, §10 item 8).
        yield return Make("tcp/reopen-after-fin", "TIME_WAIT after a FIN close, then a new handshake on the same ports: new entry", (s, c) =>
        {
            s.Add(c.Established()).Add(c.Close());
            c.ClientNext += 100_000;
            c.ServerNext += 100_000;
            s.Add(c.Handshake());
        });
        yield return Make("tcp/reopen-syn-after-fin", "TIME_WAIT, then only a new SYN: SYN_SENT, UNREPLIED", (s, c) =>
        {
            s.Add(c.Established()).Add(c.Close());
            s.Add(c.Client(Syn, seq: c.ClientNext + 100_000));
        });
        yield return Make("tcp/reopen-after-own-rst", "CLOSE by the client's RST, then the client's SYN: new entry", (s, c) =>
            s.Add(c.Established()).Add(c.Client(Rst)).Add(c.Client(Syn, seq: c.ClientNext + 100_000)));
        yield return Make("tcp/syn-after-peer-rst", "CLOSE by the server's RST, then a client SYN (ignored) and a SYN/ACK for it (resynchronised)", (s, c) =>
        {
            s.Add(c.Established()).Add(c.Server(Rst));
            c.ClientNext += 100_000;
            s.Add(c.Client(Syn)).Add(c.Server(SynAck, seq: c.ServerNext + 100_000)).Add(c.Client(Ack, ack: c.ServerNext + 100_001));
        });
        yield return Make("tcp/resync-after-ignored-syn", "a new SYN in ESTABLISHED (ignored), then a SYN/ACK acknowledging it", (s, c) =>
        {
            s.Add(c.Established());
            c.ClientNext += 100_000;
            s.Add(c.Client(Syn)).Add(c.Server(SynAck, seq: c.ServerNext + 50_000));
        });
        yield return Make("tcp/challenge-ack-in-last-ack", "a SYN in LAST_ACK (ignored) answered by the peer's challenge ACK", (s, c) =>
        {
            s.Add(c.Handshake()).Add(c.Client(FinAck)).Add(c.Server(Ack)).Add(c.Server(FinAck));
            s.Add(c.Client(Syn, seq: c.ClientNext + 100_000)).Add(c.Server(Ack));
        });

        // Mid-stream pickup (nf_conntrack_tcp_loose=1; reference §4.4, §10 item 10).
        yield return Make("tcp/midstream-ack", "first packet is an ACK with data: ESTABLISHED 300 s, UNREPLIED", (s, c) =>
            s.Add(c.Client(PshAck, 100)));
        yield return Make("tcp/midstream-reply", "picked-up connection, then the peer's ACK: replied, not yet assured", (s, c) =>
            s.Add(c.Client(PshAck, 100)).Add(c.Server(PshAck, 100)));
        yield return Make("tcp/midstream-reply-then-original", "picked-up connection, reply, then the original side again: ASSURED", (s, c) =>
            s.Add(c.Client(PshAck, 100)).Add(c.Server(PshAck, 100)).Add(c.Client(Ack)));
        yield return Make("tcp/midstream-far-jumps", "picked-up connection is liberal: huge sequence jumps stay valid", (s, c) =>
            s.Add(c.Client(PshAck, 100)).Add(c.Server(PshAck, 100)).Add(c.Client(PshAck, 100, seq: c.ClientNext + 50_000_000)));

        // Invalid flag combinations (tcp_error; reference §4.2, §10 item 12).
        yield return Make("tcp/bare-fin-first", "FIN without ACK as the first packet: invalid", (s, c) => s.Add(c.Client(TcpFlags.Fin)));
        yield return Make("tcp/bare-fin-established", "FIN without ACK on an established connection: invalid", (s, c) =>
            s.Add(c.Established()).Add(c.Client(TcpFlags.Fin)));
        yield return Make("tcp/syn-fin", "SYN+FIN: invalid", (s, c) => s.Add(c.Client(TcpFlags.Syn | TcpFlags.Fin)));
        yield return Make("tcp/null-flags", "no flags at all: invalid", (s, c) => s.Add(c.Client(TcpFlags.None)));
        yield return Make("tcp/syn-rst", "SYN+RST: invalid", (s, c) => s.Add(c.Client(TcpFlags.Syn | TcpFlags.Rst)));
        yield return Make("tcp/synack-urg", "SYN/ACK with URG in reply to a SYN: invalid", (s, c) =>
            s.Add(c.Client(Syn)).Add(c.Server(SynAck | TcpFlags.Urg)));
        yield return Make("tcp/rst-ack-urg-established", "RST+ACK+URG: invalid", (s, c) =>
            s.Add(c.Established()).Add(c.Client(RstAck | TcpFlags.Urg)));
        yield return Make("tcp/ecn-handshake", "ECE/CWR/PSH are masked before the flag check: a normal ECN handshake", (s, c) =>
        {
            s.Add(c.Client(Syn | TcpFlags.Ece | TcpFlags.Cwr)).Add(c.Server(SynAck | TcpFlags.Ece)).Add(c.Client(Ack));
            s.Add(c.Client(PshAck | TcpFlags.Cwr, 100)).Add(c.Server(Ack | TcpFlags.Ece));
        });
        yield return Make("tcp/urgent-data", "ACK+URG+PSH data on an established connection: valid", (s, c) =>
            s.Add(c.Established()).Add(c.Client(PshAck | TcpFlags.Urg, 10)).Add(c.Server(Ack)));
        yield return Make("tcp/syn-with-data", "a SYN carrying 20 bytes (TCP Fast Open style), then the handshake", (s, c) =>
            s.Add(c.Client(Syn, 20)).Add(c.Server(SynAck)).Add(c.Client(Ack)));
    }

    private static Scenario Make(string name, string purpose, Action<ScenarioBuilder, TcpConn> build, bool ipv6 = false)
    {
        var builder = new ScenarioBuilder(name, purpose);
        build(builder, ScenarioConversation.New(ipv6));
        return builder.Build();
    }
}
