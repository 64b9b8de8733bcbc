using System.Text.RegularExpressions;

namespace Conntrack.Cli.Tests;

/// <summary>
/// The grammar of a /proc/net/nf_conntrack line as ct_seq_show prints it (reference §8.1), used to
/// check that our dump parses like the kernel's own lines.
/// </summary>
internal static partial class ProcLineGrammar
{
    private const string V4 = @"\d{1,3}\.\d{1,3}\.\d{1,3}\.\d{1,3}";
    private const string V6 = @"(?:[0-9a-f]{4}:){7}[0-9a-f]{4}";
    private const string Addr = "(?:" + V4 + "|" + V6 + ")";
    private const string Ports = @"sport=\d+ dport=\d+ ";
    private const string Icmp = @"type=\d+ code=\d+ id=\d+ ";
    private const string Gre = @"srckey=0x[0-9a-f]+ dstkey=0x[0-9a-f]+ ";
    private const string Tuple = "src=" + Addr + " dst=" + Addr + " (?:" + Ports + "|" + Icmp + "|" + Gre + ")?";
    private const string Counters = @"(?:packets=\d+ bytes=\d+ )?";

    [GeneratedRegex(
        "^(?<l3>ipv4|ipv6) +(?<family>2|10) (?<l4>tcp|udp|icmp|icmpv6|sctp|gre|udplite|dccp|unknown) +(?<proto>\\d+) (?<timeout>\\d+) " +
        "(?:(?<state>[A-Z_0-9]+) )?(?:timeout=\\d+, stream_timeout=\\d+ )?" +
        "(?<orig>" + Tuple + ")" + Counters + "(?<unreplied>\\[UNREPLIED\\] )?(?<reply>" + Tuple + ")" + Counters +
        "(?<assured>\\[ASSURED\\] )?mark=\\d+ (?:zone=\\d+ )?(?:delta-time=\\d+ )?use=\\d+$")]
    public static partial Regex Line();
}
