using System.Runtime.CompilerServices;
using Conntrack.Host.Parsing;
using Conntrack.Protocols;

namespace Conntrack.Host.Tables;

/// <summary>
/// Parses one line of <c>/proc/net/nf_conntrack</c> (6.x and older), the 2.4/2.6
/// <c>/proc/net/ip_conntrack</c> (no L3 prefix, no zone), <c>conntrack -L</c> and
/// <c>conntrack -L -o extended</c>. Never throws: a line that is not an entry comes back as
/// <see cref="TableLineKind.Malformed"/> with what was expected.
/// </summary>
public static class ConntrackLineParser
{
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public static TableLineKind Parse(ReadOnlySpan<char> line, out TableEntry entry, out string expected)
    {
        entry = default;
        entry.Timeout = -1;
        entry.SourcePort = -1;
        entry.DestinationPort = -1;
        expected = "";
        int pos = 0;
        if (!Tokens.Next(line, ref pos, out var token))
            return TableLineKind.Blank;
        if (token.SequenceEqual("conntrack") && line.Contains("have been shown", StringComparison.Ordinal))
            return TableLineKind.Trailer;
        if (token[0] == '[')
            return Fail(out expected, "a table entry (this looks like conntrack -E event output)");

        // Optional L3 prefix: "ipv4 2", "ipv6 10", "unknown N" followed by an L4 name.
        int afterFirst = pos;
        if (token.SequenceEqual("ipv4") || token.SequenceEqual("ipv6") || (token.SequenceEqual("unknown") && L3PrefixFollows(line, afterFirst)))
        {
            if (!Tokens.Next(line, ref pos, out var familyText) || !Tokens.TryLong(familyText, out long family) || family > 255)
                return Fail(out expected, "the address family number after the L3 name (ipv4 2, ipv6 10)");
            entry.Family = (byte)family;
            entry.HasL3Prefix = true;
            if (!Tokens.Next(line, ref pos, out token))
                return Fail(out expected, "the L4 protocol name after the L3 prefix");
        }

        if (!IsL4Name(token))
            return Fail(out expected, "an L4 protocol name (tcp, udp, icmp, …) at the start of the line");
        if (!Tokens.Next(line, ref pos, out var protoText) || !Tokens.TryLong(protoText, out long protocol) || protocol > 255)
            return Fail(out expected, "the protocol number after the L4 name");
        entry.Protocol = (byte)protocol;

        if (!Tokens.Next(line, ref pos, out token))
            return Fail(out expected, "the remaining timeout and the tuples");
        if (Tokens.IsNumber(token))
        {
            if (!Tokens.TryLong(token, out long timeout))
                return Fail(out expected, "a remaining timeout in seconds");
            entry.Timeout = timeout;
            if (!Tokens.Next(line, ref pos, out token))
                return Fail(out expected, "the tuples after the timeout");
        }
        // GRE: "timeout=30, stream_timeout=180" before the tuples.
        while (token.StartsWith("timeout=") || token.StartsWith("stream_timeout="))
        {
            if (!Tokens.Next(line, ref pos, out token))
                return Fail(out expected, "the tuples after the GRE timeouts");
        }
        if (token.IndexOf('=') < 0 && token[0] != '[')
        {
            if (!StateNames.LooksLikeState(token))
                return Fail(out expected, "a protocol state (ESTABLISHED, …) or src=");
            entry.State = StateNames.Parse(token);
            if (!Tokens.Next(line, ref pos, out token))
                return Fail(out expected, "the tuples after the state");
        }

        int tuple = 0;
        bool haveSrc = false, haveDst = false, haveSport = false, haveDport = false, replyComplete = false;
        do
        {
            if (token[0] == '[')
            {
                if (token.SequenceEqual("[ASSURED]"))
                    entry.Assured = true;
                else if (token.SequenceEqual("[UNREPLIED]"))
                    entry.Unreplied = true;
                else if (token.SequenceEqual("[OFFLOAD]") || token.SequenceEqual("[HW_OFFLOAD]"))
                    entry.Offloaded = entry.Assured = true;
                continue;
            }
            int eq = token.IndexOf('=');
            if (eq <= 0)
                return Fail(out expected, $"key=value fields or [FLAGS] after the state, not a bare word (field {tuple + 1})");
            var key = token[..eq];
            var value = token[(eq + 1)..];
            switch (key)
            {
                case "src":
                    tuple++;
                    if (tuple > 2)
                        return Fail(out expected, "two tuples (original and reply), found a third src=");
                    if (tuple == 1)
                    {
                        if (!AddressKey.TryParse(value, out entry.Source))
                            return Fail(out expected, "an IPv4 or IPv6 address in src=");
                        haveSrc = true;
                    }
                    else if (value.IsEmpty)
                    {
                        return Fail(out expected, "an address in the reply's src=");
                    }
                    break;
                case "dst":
                    if (tuple == 1)
                    {
                        if (!AddressKey.TryParse(value, out entry.Destination))
                            return Fail(out expected, "an IPv4 or IPv6 address in dst=");
                        haveDst = true;
                    }
                    else if (tuple == 2)
                    {
                        // The reply tuple is not kept: its shape is enough.
                        if (value.IsEmpty)
                            return Fail(out expected, "an address in the reply's dst=");
                        replyComplete = true;
                    }
                    break;
                case "sport":
                case "dport":
                    if (tuple != 1)
                        break;
                    if (!Tokens.TryLong(value, out long port) || port > 65535)
                        return Fail(out expected, $"a port number (0-65535) in {key.ToString()}=");
                    if (key[0] == 's')
                    {
                        entry.SourcePort = (int)port;
                        haveSport = true;
                    }
                    else
                    {
                        entry.DestinationPort = (int)port;
                        haveDport = true;
                    }
                    break;
                case "zone":
                    entry.HasZoneField = true;
                    if (!Tokens.TryLong(value, out long zone) || zone > 65535)
                        return Fail(out expected, "a zone number in zone=");
                    entry.Zone = (int)zone;
                    break;
                case "mark":
                    entry.HasMark = true;
                    break;
                default:
                    // type= code= id= srckey= dstkey= packets= bytes= use= secctx= delta-time= labels= helper= …
                    break;
            }
        }
        while (Tokens.Next(line, ref pos, out token));

        if (!haveSrc || !haveDst)
            return Fail(out expected, "src= and dst= of the original tuple");
        if (!replyComplete)
            return Fail(out expected, "the reply tuple (src= dst= …); the line looks truncated");
        if (entry.Protocol is 6 or 17 or 33 or 132 or 136 && (!haveSport || !haveDport))
            return Fail(out expected, "sport= and dport= in the original tuple");
        if (entry.Family == 0)
            entry.Family = entry.Source.IsV6 ? (byte)10 : (byte)2;
        return TableLineKind.Entry;
    }

    private static TableLineKind Fail(out string expected, string what)
    {
        expected = what;
        return TableLineKind.Malformed;
    }

    /// <summary>"unknown" opens an L3 prefix when the third token is an L4 name, not a timeout.</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static bool L3PrefixFollows(ReadOnlySpan<char> line, int pos)
    {
        Tokens.Next(line, ref pos, out _);
        return Tokens.Next(line, ref pos, out var third) && IsL4Name(third);
    }

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static bool IsL4Name(ReadOnlySpan<char> token) =>
        token.SequenceEqual("tcp") || token.SequenceEqual("udp") || token.SequenceEqual("icmp") || token.SequenceEqual("icmpv6") ||
        token.SequenceEqual("udplite") || token.SequenceEqual("sctp") || token.SequenceEqual("dccp") || token.SequenceEqual("gre") ||
        token.SequenceEqual("unknown");
}
