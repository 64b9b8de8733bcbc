using System.Globalization;
using System.Text;

namespace Conntrack.KernelParity.Tests.LiveTable;

/// <summary>
/// The entries a live-table namespace is filled with, as a <c>conntrack -R</c> file (one <c>-I</c> per line,
/// loaded in a fraction of a second): TCP in every state, UDP replied and not, ICMP, ICMPv6, GRE, SCTP,
/// IPv6, zones, marks, and source- and destination-NAT'd entries whose reply tuples differ.
/// Deterministic, so two namespaces loaded from it hold the same entries (for the delete comparison).
/// </summary>
internal static class LiveTableLoad
{
    public static readonly string[] TcpStates = ["SYN_SENT", "SYN_RECV", "ESTABLISHED", "FIN_WAIT", "CLOSE_WAIT", "LAST_ACK", "TIME_WAIT", "CLOSE"];

    public static string Build(int scale)
    {
        var s = new StringBuilder();
        for (int i = 0; i < 15 * scale; i++)
            Line(s, $"-p udp -s 10.9.{i / 250}.{(i % 250) + 1} -d 10.1.0.2 --sport {1024 + i} --dport {53 + (i % 3)} -u SEEN_REPLY,ASSURED -m {i % 7} -w {i % 3}");
        for (int i = 0; i < 5 * scale; i++)
            Line(s, $"-p udp -s 10.10.{i / 250}.{(i % 250) + 1} -d 10.1.0.3 --sport {2000 + i} --dport 123 -m 0x{0x100 + (i % 4):x}");
        for (int k = 0; k < TcpStates.Length; k++)
        {
            for (int i = 0; i < scale; i++)
            {
                string status = k == 0 ? "" : k == 1 ? "-u SEEN_REPLY" : "-u SEEN_REPLY,ASSURED";
                Line(s, $"-p tcp -s 10.11.{k}.{(i % 250) + 1} -d 10.1.0.2 --sport {3000 + i} --dport {(k % 2 == 0 ? 80 : 443)} --state {TcpStates[k]} {status} -m {k}");
            }
        }
        for (int i = 0; i < scale; i++)
        {
            Line(s, $"-p tcp -s 10.12.0.{(i % 250) + 1} -d 10.1.0.2 --sport {4000 + i} --dport 8080 --state ESTABLISHED -u SEEN_REPLY,ASSURED --dst-nat 10.1.0.9:80");
            Line(s, $"-p udp -s 10.13.0.{(i % 250) + 1} -d 198.51.100.7 --sport {5000 + i} --dport 443 -u SEEN_REPLY --src-nat 192.0.2.1 -w 9");
            Line(s, $"-p icmp -s 10.14.0.{(i % 250) + 1} -d 10.1.0.2 --icmp-type 8 --icmp-code 0 --icmp-id {i + 1}");
            Line(s, $"-p icmpv6 -s fd00::14:{i + 1:x} -d fd00::2 --icmpv6-type 128 --icmpv6-code 0 --icmpv6-id {i + 1}");
            Line(s, $"-p tcp -s fd00::15:{i + 1:x} -d fd00::2 --sport {6000 + i} --dport 22 --state ESTABLISHED -u SEEN_REPLY,ASSURED -m 3");
            Line(s, $"-p udp -s fd00::16:{i + 1:x} -d 2001:db8::53 --sport {7000 + i} --dport 53 -w 4");
        }
        for (int i = 0; i < scale / 2; i++)
        {
            Line(s, $"-p gre -s 10.17.0.{(i % 250) + 1} -d 10.1.0.2 --srckey 0x{i + 1:x} --dstkey 0x{i + 0x100:x}");
            Line(s, $"-p sctp -s 10.18.0.{(i % 250) + 1} -d 10.1.0.2 --sport {8000 + i} --dport 9899 --state ESTABLISHED --orig-vtag {i + 1} --reply-vtag {i + 2} -u SEEN_REPLY");
        }
        return s.ToString();
    }

    private static void Line(StringBuilder s, string entry) =>
        s.Append(CultureInfo.InvariantCulture, $"-I {entry} -t 7200\n");
}
