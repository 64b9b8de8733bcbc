using Conntrack.Core.Tests.Support;
using Conntrack.Table;
using Conntrack.TestData;
using static Conntrack.TestData.Pkt;

namespace Conntrack.Core.Tests;

/// <summary>
/// Packets a capture's snap length cut short (the IP header declares more than was stored): the
/// kernel saw them whole, so what the engine cannot see is neither counted nor held against the flow.
/// </summary>
public sealed class SnapLengthTests
{
    private static byte[] Cut(byte[] packet, int l4Bytes) => packet[..(20 + l4Bytes)];

    [Fact]
    public void A_segment_cut_before_its_flags_is_not_judged()
    {
        var h = new Harness(s => s.TcpLoose = false);
        var c = new TcpConn("10.1.0.1", 40000, "10.2.0.1", 80);
        var v = h.Send(Cut(c.Syn(), 8));
        Assert.Equal(CtInfo.Untracked, v.State);
        Assert.Equal(0, h.Stats.Invalid);
        Assert.Equal(0, h.Table.Count);
    }

    [Fact]
    public void A_connection_cut_after_the_flags_is_tracked_through_its_handshake()
    {
        var h = new Harness(s => s.TcpLoose = false);
        var c = new TcpConn("10.1.0.1", 40000, "10.2.0.1", 80);
        h.Send(Cut(c.Syn(), 14));
        h.Send(Cut(c.SynAck(), 14));
        h.Send(Cut(c.HandshakeAck(), 14));
        Assert.Equal(0, h.Stats.Invalid);
        var e = h.Entry(c.Tuple);
        Assert.True(e.IsAssured);
        Assert.Equal("ESTABLISHED", e.StateName);
    }

    [Fact]
    public void An_icmp_error_whose_quoted_packet_was_cut_is_not_an_error()
    {
        var h = new Harness();
        byte[] query = Udp("10.1.0.1", 40000, "10.2.0.1", 53, payload: 10);
        h.Send(query);
        byte[] error = IcmpError("10.2.0.1", "10.1.0.1", 3, 3, query);
        var v = h.Send(error[..(20 + 8 + 12)]); // the quoted IP header cut before its addresses
        Assert.Equal(CtInfo.Untracked, v.State);
        Assert.Equal(0, h.Stats.Error);

        // The same error with a quoted packet too short in the packet itself is still an error.
        byte[] shortQuote = IcmpError("10.2.0.1", "10.1.0.1", 3, 3, query[..12]);
        h.Send(shortQuote);
        Assert.Equal(1, h.Stats.Error);
    }
}
