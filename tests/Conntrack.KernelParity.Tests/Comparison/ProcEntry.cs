using System.Globalization;

namespace Conntrack.KernelParity.Tests.Comparison;

/// <summary>
/// One line of /proc/net/nf_conntrack taken apart (format: reference §8.1):
/// <c>ipv4 2 tcp 6 118 TIME_WAIT src=… dst=… sport=… dport=… [packets=… bytes=…] [UNREPLIED] src=… … [packets=… bytes=…]
/// [ASSURED] mark=0 zone=0 [delta-time=…] use=2</c>. The counters and delta-time are there only with
/// nf_conntrack_acct / nf_conntrack_timestamp on (null otherwise).
/// </summary>
internal sealed record ProcEntry(
    string Line,
    int Family,
    int Protocol,
    long TimeoutSeconds,
    string? State,
    string OriginalTuple,
    string ReplyTuple,
    bool Assured,
    bool Unreplied)
{
    public long Mark { get; init; }
    public long Zone { get; init; }

    /// <summary>packets=/bytes= after the original and after the reply tuple.</summary>
    public (long Packets, long Bytes)? OriginalCounters { get; init; }
    public (long Packets, long Bytes)? ReplyCounters { get; init; }

    /// <summary>Seconds since the entry was confirmed (delta-time=).</summary>
    public long? DeltaTime { get; init; }

    private static readonly HashSet<string> TupleFields = ["src", "dst", "sport", "dport", "type", "code", "id", "srckey", "dstkey"];

    /// <summary>The identity of the entry: family, protocol and original tuple (addresses, ports / type, code, id / keys).</summary>
    public string Key => string.Create(CultureInfo.InvariantCulture, $"{Family}/{Protocol} {OriginalTuple}");

    public static ProcEntry Parse(string line)
    {
        string[] t = line.Split(' ', StringSplitOptions.RemoveEmptyEntries);
        if (t.Length < 7)
            throw new FormatException($"not a /proc/net/nf_conntrack line: '{line}'");
        int family = int.Parse(t[1], CultureInfo.InvariantCulture);
        int protocol = int.Parse(t[3], CultureInfo.InvariantCulture);
        long timeout = long.Parse(t[4], CultureInfo.InvariantCulture);

        int i = 5;
        string? state = null;
        // Between the timeout and the first tuple: a state name (TCP, SCTP, DCCP) or GRE's "timeout=30, stream_timeout=180".
        for (; i < t.Length && !t[i].StartsWith("src=", StringComparison.Ordinal); i++)
        {
            if (!t[i].Contains('=', StringComparison.Ordinal))
                state = t[i];
        }
        string original = ReadTuple(t, ref i);
        var originalCounters = ReadCounters(t, ref i);
        bool unreplied = false, assured = false;
        for (; i < t.Length && !t[i].StartsWith("src=", StringComparison.Ordinal); i++)
        {
            if (t[i] == "[UNREPLIED]")
                unreplied = true;
        }
        string reply = ReadTuple(t, ref i);
        var replyCounters = ReadCounters(t, ref i);
        long mark = 0, zone = 0;
        long? delta = null;
        for (; i < t.Length; i++)
        {
            if (t[i] is "[ASSURED]")
                assured = true;
            else if (t[i] == "[UNREPLIED]")
                unreplied = true;
            else if (Field(t[i], "mark=") is { } m)
                mark = m;
            else if (Field(t[i], "zone=") is { } z)
                zone = z;
            else if (Field(t[i], "delta-time=") is { } d)
                delta = d;
        }
        return new ProcEntry(line, family, protocol, timeout, state, original, reply, assured, unreplied)
        {
            Mark = mark,
            Zone = zone,
            OriginalCounters = originalCounters,
            ReplyCounters = replyCounters,
            DeltaTime = delta,
        };
    }

    /// <summary>A packets= bytes= pair at <paramref name="i"/>, consumed; null when there is none.</summary>
    private static (long Packets, long Bytes)? ReadCounters(string[] t, ref int i)
    {
        if (i + 1 < t.Length && Field(t[i], "packets=") is { } packets && Field(t[i + 1], "bytes=") is { } bytes)
        {
            i += 2;
            return (packets, bytes);
        }
        return null;
    }

    private static long? Field(string token, string prefix) =>
        token.StartsWith(prefix, StringComparison.Ordinal) ? long.Parse(token.AsSpan(prefix.Length), NumberStyles.None, CultureInfo.InvariantCulture) : null;

    /// <summary>Parses every non-empty line of a /proc/net/nf_conntrack dump.</summary>
    public static List<ProcEntry> ParseAll(IEnumerable<string> lines) =>
        lines.Select(l => l.Trim()).Where(l => l.Length > 0).Select(Parse).ToList();

    /// <summary>Reads consecutive tuple fields (src=, dst=, sport=, …) starting at a src= token.</summary>
    private static string ReadTuple(string[] t, ref int i)
    {
        var fields = new List<string>();
        for (; i < t.Length; i++)
        {
            int eq = t[i].IndexOf('=', StringComparison.Ordinal);
            if (eq <= 0 || !TupleFields.Contains(t[i][..eq]) || (fields.Count > 0 && t[i].StartsWith("src=", StringComparison.Ordinal)))
                break;
            fields.Add(t[i]);
        }
        return string.Join(' ', fields);
    }
}
