using System.Globalization;
using System.Text;
using Conntrack.KernelParity.Tests.Comparison;

namespace Conntrack.KernelParity.Tests.TableFull;

/// <summary>One tolerance check of a table-full row: what was compared, under which rule, and whether it held.</summary>
internal sealed record TableFullCheck(string What, bool Ok, string Detail)
{
    public override string ToString() => $"{(Ok ? "ok  " : "FAIL")} {What}: {Detail}";
}

/// <summary>
/// The outcome of one table-full row. The kernel's hash key is random (and so is the engine's), so
/// which entries early drop meets is chance: counts are compared exactly only where no chance is
/// involved, and otherwise within the rules of <see cref="TableFullTolerance"/>.
/// </summary>
internal sealed class TableFullReport
{
    public required TableFullScenario Scenario { get; init; }
    public required int Buckets { get; init; }
    public required TableFullSide Kernel { get; init; }
    public required TableFullSide Engine { get; init; }

    /// <summary>Entry-by-entry comparison of what chance cannot touch (all entries, or the ASSURED ones); null when there is none.</summary>
    public ParityReport? EntryParity { get; init; }
    public required string EntryParityScope { get; init; }

    public required IReadOnlyList<TableFullCheck> Checks { get; init; }
    public required IReadOnlyList<string> Notes { get; init; }

    public bool Ok => Checks.All(c => c.Ok);

    public string Figure => string.Create(
        CultureInfo.InvariantCulture,
        $"table-full {Scenario.Name} (max {Scenario.Max}, {Buckets} buckets): kernel/engine count {Kernel.Count}/{Engine.Count}, "
        + $"drop {Kernel.Counters.Drop}/{Engine.Counters.Drop}, early_drop {Kernel.EarlyDrop}/{Engine.EarlyDrop}, "
        + $"invalid {Kernel.Counters.Invalid}/{Engine.Counters.Invalid}, log lines {Kernel.LogPrinted}/{Engine.LogPrinted}; "
        + $"checks {Checks.Count(c => c.Ok)}/{Checks.Count} hold");

    public string Describe()
    {
        var sb = new StringBuilder(Figure);
        sb.Append("\n  ").Append(Kernel.Describe());
        sb.Append("\n  ").Append(Engine.Describe());
        foreach (var check in Checks)
            sb.Append("\n  ").Append(check);
        foreach (string note in Notes)
            sb.Append("\n  note: ").Append(note);
        if (EntryParity is { Mismatches.Count: > 0 } parity)
        {
            foreach (var m in parity.Mismatches.Take(20))
                sb.Append('\n').Append(m.Describe(Scenario.Name));
        }
        return sb.ToString();
    }
}
