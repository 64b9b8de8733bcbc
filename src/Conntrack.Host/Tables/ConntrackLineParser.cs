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

        string? missing = ReadProtocols(line, ref pos, ref token, ref entry)
            ?? ReadTimeoutAndState(line, ref pos, ref token, ref entry)
            ?? ReadTuplesAndTail(line, ref pos, token, ref entry);
        if (missing is not null)
            return Fail(out expected, missing);
        if (entry.Family == 0)
            entry.Family = entry.Source.IsV6 ? (byte)10 : (byte)2;
        return TableLineKind.Entry;
    }

    /// <summary>
    /// The optional L3 prefix ("ipv4 2", "ipv6 10", "unknown N"), the L4 name and number; leaves
    /// <paramref name="token"/> on the token after them. Returns what was expected, or null.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static string? ReadProtocols(ReadOnlySpan<char> line, ref int pos, ref ReadOnlySpan<char> token, ref TableEntry entry)
    {
        int afterFirst = pos;
        if (token.SequenceEqual("ipv4") || token.SequenceEqual("ipv6") || (token.SequenceEqual("unknown") && L3PrefixFollows(line, afterFirst)))
        {
            if (!Tokens.Next(line, ref pos, out var familyText) || !Tokens.TryLong(familyText, out long family) || family > 255)
                return "the address family number after the L3 name (ipv4 2, ipv6 10)";
            entry.Family = (byte)family;
            entry.HasL3Prefix = true;
            if (!Tokens.Next(line, ref pos, out token))
                return "the L4 protocol name after the L3 prefix";
        }

        if (!IsL4Name(token))
            return "an L4 protocol name (tcp, udp, icmp, …) at the start of the line";
        if (!Tokens.Next(line, ref pos, out var protoText) || !Tokens.TryLong(protoText, out long protocol) || protocol > 255)
            return "the protocol number after the L4 name";
        entry.Protocol = (byte)protocol;

        if (!Tokens.Next(line, ref pos, out token))
            return "the remaining timeout and the tuples";
        return null;
    }

    /// <summary>
    /// The optional remaining timeout, GRE's timeouts and the optional protocol state; leaves
    /// <paramref name="token"/> on the first token of the tuples. Returns what was expected, or null.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static string? ReadTimeoutAndState(ReadOnlySpan<char> line, ref int pos, ref ReadOnlySpan<char> token, ref TableEntry entry)
    {
        if (Tokens.IsNumber(token))
        {
            if (!Tokens.TryLong(token, out long timeout))
                return "a remaining timeout in seconds";
            entry.Timeout = timeout;
            if (!Tokens.Next(line, ref pos, out token))
                return "the tuples after the timeout";
        }
        // GRE: "timeout=30, stream_timeout=180" before the tuples.
        while (token.StartsWith("timeout=") || token.StartsWith("stream_timeout="))
        {
            if (!Tokens.Next(line, ref pos, out token))
                return "the tuples after the GRE timeouts";
        }
        if (token.IndexOf('=') < 0 && token[0] != '[')
        {
            if (!StateNames.LooksLikeState(token))
                return "a protocol state (ESTABLISHED, …) or src=";
            entry.State = StateNames.Parse(token);
            if (!Tokens.Next(line, ref pos, out token))
                return "the tuples after the state";
        }
        return null;
    }

    /// <summary>
    /// The original and reply tuples with the [FLAGS], zone= and mark= around them, from
    /// <paramref name="token"/> to the end of the line. Returns what was expected, or null.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static string? ReadTuplesAndTail(ReadOnlySpan<char> line, ref int pos, ReadOnlySpan<char> token, ref TableEntry entry)
    {
        var tuples = default(TupleProgress);
        do
        {
            if (token[0] == '[')
            {
                ReadFlag(token, ref entry);
                continue;
            }
            int eq = token.IndexOf('=');
            if (eq <= 0)
                return $"key=value fields or [FLAGS] after the state, not a bare word (field {tuples.Tuple + 1})";
            var key = token[..eq];
            var value = token[(eq + 1)..];
            string? missing = key switch
            {
                "src" => ReadSource(value, ref tuples, ref entry),
                "dst" => ReadDestination(value, ref tuples, ref entry),
                "sport" or "dport" => ReadPort(key, value, ref tuples, ref entry),
                "zone" => ReadZone(value, ref entry),
                "mark" => ReadMark(ref entry),
                // type= code= id= srckey= dstkey= packets= bytes= use= secctx= delta-time= labels= helper= …
                _ => null,
            };
            if (missing is not null)
                return missing;
        }
        while (Tokens.Next(line, ref pos, out token));

        if (!tuples.HaveSource || !tuples.HaveDestination)
            return "src= and dst= of the original tuple";
        if (!tuples.ReplyComplete)
            return "the reply tuple (src= dst= …); the line looks truncated";
        if (entry.Protocol is 6 or 17 or 33 or 132 or 136 && (!tuples.HaveSourcePort || !tuples.HaveDestinationPort))
            return "sport= and dport= in the original tuple";
        return null;
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static void ReadFlag(ReadOnlySpan<char> token, ref TableEntry entry)
    {
        if (token.SequenceEqual("[ASSURED]"))
            entry.Assured = true;
        else if (token.SequenceEqual("[UNREPLIED]"))
            entry.Unreplied = true;
        else if (token.SequenceEqual("[OFFLOAD]") || token.SequenceEqual("[HW_OFFLOAD]"))
            entry.Offloaded = entry.Assured = true;
    }

    /// <summary>src= opens a tuple: the first is the original, kept; the second the reply.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static string? ReadSource(ReadOnlySpan<char> value, ref TupleProgress tuples, ref TableEntry entry)
    {
        tuples.Tuple++;
        if (tuples.Tuple > 2)
            return "two tuples (original and reply), found a third src=";
        if (tuples.Tuple == 1)
        {
            if (!AddressKey.TryParse(value, out entry.Source))
                return "an IPv4 or IPv6 address in src=";
            tuples.HaveSource = true;
        }
        else if (value.IsEmpty)
        {
            return "an address in the reply's src=";
        }
        return null;
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static string? ReadDestination(ReadOnlySpan<char> value, ref TupleProgress tuples, ref TableEntry entry)
    {
        if (tuples.Tuple == 1)
        {
            if (!AddressKey.TryParse(value, out entry.Destination))
                return "an IPv4 or IPv6 address in dst=";
            tuples.HaveDestination = true;
        }
        else if (tuples.Tuple == 2)
        {
            // The reply tuple is not kept: its shape is enough.
            if (value.IsEmpty)
                return "an address in the reply's dst=";
            tuples.ReplyComplete = true;
        }
        return null;
    }

    /// <summary>sport= or dport= of the original tuple; the reply's ports are not kept.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static string? ReadPort(ReadOnlySpan<char> key, ReadOnlySpan<char> value, ref TupleProgress tuples, ref TableEntry entry)
    {
        if (tuples.Tuple != 1)
            return null;
        if (!Tokens.TryLong(value, out long port) || port > 65535)
            return $"a port number (0-65535) in {key.ToString()}=";
        if (key[0] == 's')
        {
            entry.SourcePort = (int)port;
            tuples.HaveSourcePort = true;
        }
        else
        {
            entry.DestinationPort = (int)port;
            tuples.HaveDestinationPort = true;
        }
        return null;
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static string? ReadZone(ReadOnlySpan<char> value, ref TableEntry entry)
    {
        entry.HasZoneField = true;
        if (!Tokens.TryLong(value, out long zone) || zone > 65535)
            return "a zone number in zone=";
        entry.Zone = (int)zone;
        return null;
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static string? ReadMark(ref TableEntry entry)
    {
        entry.HasMark = true;
        return null;
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

    /// <summary>How far the tuples have come: which tuple is open and which original fields were seen.</summary>
    private struct TupleProgress
    {
        public int Tuple;
        public bool HaveSource;
        public bool HaveDestination;
        public bool HaveSourcePort;
        public bool HaveDestinationPort;
        public bool ReplyComplete;
    }
}
