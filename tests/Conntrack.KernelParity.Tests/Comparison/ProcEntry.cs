using System.Globalization;

namespace Conntrack.KernelParity.Tests.Comparison;

/// <summary>
/// One line of /proc/net/nf_conntrack taken apart (format: reference §8.1):
/// <c>ipv4 2 tcp 6 118 TIME_WAIT src=… dst=… sport=… dport=… [UNREPLIED] src=… … [ASSURED] mark=0 zone=0 use=2</c>.
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
        bool unreplied = false, assured = false;
        for (; i < t.Length && !t[i].StartsWith("src=", StringComparison.Ordinal); i++)
        {
            if (t[i] == "[UNREPLIED]")
                unreplied = true;
        }
        string reply = ReadTuple(t, ref i);
        for (; i < t.Length; i++)
        {
            if (t[i] is "[ASSURED]")
                assured = true;
            else if (t[i] == "[UNREPLIED]")
                unreplied = true;
        }
        return new ProcEntry(line, family, protocol, timeout, state, original, reply, assured, unreplied);
    }

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
