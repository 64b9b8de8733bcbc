using System.Globalization;
using System.Text;

namespace Conntrack.KernelParity.Tests.Comparison;

/// <summary>The outcome of comparing one scenario's kernel and engine tables.</summary>
internal sealed class ParityReport
{
    public required string Scenario { get; init; }
    public required int EqualEntries { get; init; }
    public required int TotalEntries { get; init; }
    public required ConntrackCounters KernelCounters { get; init; }
    public required ConntrackCounters EngineCounters { get; init; }
    public required IReadOnlyList<EntryMismatch> Mismatches { get; init; }

    /// <summary>Entries present on one side only that expire at the instant of the read (timing noise, not compared).</summary>
    public required IReadOnlyList<string> ExpiringAtRead { get; init; }

    public bool CountersEqual => KernelCounters == EngineCounters;

    public bool IsParity => Mismatches.Count == 0 && CountersEqual;

    /// <summary>The one-line parity figure.</summary>
    public string Figure => string.Create(
        CultureInfo.InvariantCulture,
        $"parity {Scenario}: entries {EqualEntries}/{TotalEntries} equal, counters {(CountersEqual ? "equal" : "DIFFER")} (kernel {KernelCounters}; engine {EngineCounters})");

    /// <summary>Every mismatch, each with both lines, under the figure.</summary>
    public string Describe()
    {
        var sb = new StringBuilder(Figure);
        if (!CountersEqual)
            sb.Append(CultureInfo.InvariantCulture, $"\n  counters differ in {Scenario}: kernel {KernelCounters}, engine {EngineCounters}");
        foreach (var m in Mismatches)
            sb.Append('\n').Append(m.Describe(Scenario));
        foreach (string e in ExpiringAtRead)
            sb.Append("\n  (not compared, expiring at the read) ").Append(e);
        return sb.ToString();
    }
}
