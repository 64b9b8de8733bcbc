using System.Globalization;
using Conntrack.Doctor;

namespace Conntrack.Reporting;

/// <summary>
/// A check result as the one line a monitoring plugin prints: <c>CONNTRACK STATUS - text | perfdata</c>, with
/// performance data as <c>label=value;warn;crit;min;max</c> and the kernel's cumulative counters in unit <c>c</c>.
/// </summary>
public static class CheckLine
{
    public static string Render(CheckResult result)
    {
        ArgumentNullException.ThrowIfNull(result);
        string entries = result.Count is long count ? Number(count) : "U";
        string levels = $"{Number(result.WarningEntries)};{Number(result.CriticalEntries)};0;{Number(result.Max)}";
        string counters = result.Counters is CheckCounters c
            ? $"drop={Number(c.Drop)}c insert_failed={Number(c.InsertFailed)}c early_drop={Number(c.EarlyDrop)}c"
            : "drop=U insert_failed=U early_drop=U";
        // '|' separates text from performance data, so none may stand in the text.
        string text = result.Text.Replace('|', '/').ReplaceLineEndings(" ");
        return $"CONNTRACK {Word(result.Status)} - {text} | entries={entries};{levels} {counters}";
    }

    public static string Word(CheckStatus status) => status switch
    {
        CheckStatus.Ok => "OK",
        CheckStatus.Warning => "WARNING",
        CheckStatus.Critical => "CRITICAL",
        _ => "UNKNOWN",
    };

    private static string Number(double? value) => value?.ToString("0.##", CultureInfo.InvariantCulture) ?? "";
}
