using System.Globalization;
using System.Net;
using System.Text.RegularExpressions;

namespace Conntrack.KernelParity.Tests.LiveTable;

/// <summary>
/// Compares conntrack -L style listings taken a moment apart. Every field must be byte-identical except the
/// two that tick with the clock: the timeout (the first number after the protocol) and delta-time, which may
/// differ by up to two seconds between the two reads (one tick, plus ctnet's start-up on a loaded machine). Lines are matched by their text with those two masked.
/// </summary>
internal static partial class ConntrackLines
{
    [GeneratedRegex(@"^((?:\[\S+\]\s+)?(?:\S+\s+\d+\s+)?\S+\s+\d+\s)(\d+)( .*)$")]
    private static partial Regex Ticking();

    [GeneratedRegex(@" delta-time=(\d+) ")]
    private static partial Regex Delta();

    /// <summary>Null when both hold the same entries; else the first differences, for the failure message.</summary>
    public static string? Difference(string expected, string actual, TimeSpan? slack = null)
    {
        var want = Index(expected);
        var got = Index(actual);
        var missing = want.Keys.Except(got.Keys).Take(3).ToList();
        var extra = got.Keys.Except(want.Keys).Take(3).ToList();
        if (missing.Count > 0 || extra.Count > 0 || want.Count != got.Count)
            return $"{want.Count} expected, {got.Count} listed; missing: {string.Join(" | ", missing)}; extra: {string.Join(" | ", extra)}";
        long allowed = (long)(slack ?? TimeSpan.FromSeconds(2)).TotalSeconds;
        foreach (var (key, (timeout, delta)) in want)
        {
            var (t, d) = got[key];
            if (Math.Abs(t - timeout) > allowed || Math.Abs(d - delta) > allowed)
                return $"{key}: timeout {t} / delta-time {d}, expected {timeout} / {delta} (±{allowed} s)";
        }
        return null;
    }

    public static List<string> Lines(string text) =>
        [.. text.Split('\n', StringSplitOptions.RemoveEmptyEntries)];

    private static Dictionary<string, (long Timeout, long Delta)> Index(string text)
    {
        var index = new Dictionary<string, (long, long)>(StringComparer.Ordinal);
        foreach (string line in Lines(text))
        {
            var m = Ticking().Match(line);
            if (!m.Success)
            {
                index[line] = (0, 0);
                continue;
            }
            var d = Delta().Match(m.Groups[3].Value);
            string key = $"{m.Groups[1].Value}T{Delta().Replace(m.Groups[3].Value, " delta-time=D ")}";
            long delta = d.Success ? long.Parse(d.Groups[1].Value, CultureInfo.InvariantCulture) : 0;
            index[key] = (long.Parse(m.Groups[2].Value, CultureInfo.InvariantCulture), delta);
        }
        return index;
    }

    /// <summary>A /proc/net/nf_conntrack line in conntrack -L -o extended's spelling: compressed IPv6, no GRE timeouts, zone only when not 0, use=1.</summary>
    public static string FromProc(string line)
    {
        var tokens = line.Split(' ', StringSplitOptions.RemoveEmptyEntries).ToList();
        var kept = new List<string>();
        for (int i = 0; i < tokens.Count; i++)
        {
            string t = tokens[i];
            if (t.StartsWith("timeout=", StringComparison.Ordinal) || t.StartsWith("stream_timeout=", StringComparison.Ordinal) || t == "zone=0")
                continue;
            if (t.StartsWith("use=", StringComparison.Ordinal))
                t = "use=1";
            else if ((t.StartsWith("src=", StringComparison.Ordinal) || t.StartsWith("dst=", StringComparison.Ordinal)) && t.Contains(':', StringComparison.Ordinal))
                t = t[..4] + IPAddress.Parse(t[4..]).ToString();
            kept.Add(t);
        }
        // Keep the column padding of the L3 and L4 names ("ipv4     2 tcp      6 ").
        return $"{kept[0],-8} {kept[1]} {kept[2],-8} {string.Join(' ', kept.Skip(3))}";
    }
}
