using System.Globalization;

namespace Conntrack.Benchmarking;

/// <summary>
/// Whether other work shared the machine during a benchmark: the 1-minute load average
/// (/proc/loadavg) against the core count, and the share of CPU time the hypervisor stole
/// (the 8th field of /proc/stat's "cpu" line) between two readings.
/// </summary>
public static class MachineLoad
{
    /// <summary>Stolen time above this share of all CPU time makes the figures a guest's, not the machine's.</summary>
    public const double StealWarnShare = 0.05;

    /// <summary>Cumulative jiffies of /proc/stat's first line: all of them, and the stolen ones.</summary>
    public readonly record struct CpuTimes(long Total, long Steal);

    /// <summary>The first field of /proc/loadavg ("0.52 0.58 0.59 1/389 12345"); null when it is not there.</summary>
    public static double? ParseLoadAverage(string loadavg)
    {
        ArgumentNullException.ThrowIfNull(loadavg);
        string first = loadavg.Split(' ', 2)[0];
        return double.TryParse(first, NumberStyles.Float, CultureInfo.InvariantCulture, out double load) ? load : null;
    }

    /// <summary>The "cpu" line of /proc/stat (user nice system idle iowait irq softirq steal …); null when it is not there.</summary>
    public static CpuTimes? ParseCpuTimes(string stat)
    {
        ArgumentNullException.ThrowIfNull(stat);
        string? line = stat.Split('\n').FirstOrDefault(l => l.StartsWith("cpu ", StringComparison.Ordinal));
        if (line is null)
            return null;
        var fields = line.Split(' ', StringSplitOptions.RemoveEmptyEntries).Skip(1).Take(8)
            .Select(f => long.TryParse(f, NumberStyles.None, CultureInfo.InvariantCulture, out long v) ? v : -1).ToList();
        if (fields.Count < 8 || fields.Any(v => v < 0))
            return null;
        return new CpuTimes(fields.Sum(), fields[7]);
    }

    /// <summary>The sentences that say the figures are not the machine's own (none when it was quiet).</summary>
    public static IReadOnlyList<string> Warnings(double? loadAverage, int cores, CpuTimes? before, CpuTimes? after)
    {
        var warnings = new List<string>();
        var inv = CultureInfo.InvariantCulture;
        if (loadAverage is double load && load > cores)
            warnings.Add(string.Create(inv, $"the machine is busy: load average {load:0.##} on {cores} cores; other work shares the CPUs, so these figures are low and vary"));
        if (before is { } b && after is { } a && a.Total > b.Total)
        {
            double steal = (double)(a.Steal - b.Steal) / (a.Total - b.Total);
            if (steal > StealWarnShare)
                warnings.Add(string.Create(inv, $"the hypervisor stole {steal * 100:0.#} % of the CPU time during the run: another guest shares the host, so these figures are low and vary"));
        }
        return warnings;
    }

    /// <summary>This machine now: its load average and CPU times, or nulls where /proc does not say.</summary>
    public static (double? LoadAverage, CpuTimes? Times) Read()
    {
        return (ReadProc("/proc/loadavg") is { } l ? ParseLoadAverage(l) : null, ReadProc("/proc/stat") is { } s ? ParseCpuTimes(s) : null);
    }

    private static string? ReadProc(string path)
    {
        try
        {
            return File.ReadAllText(path);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            return null;
        }
    }
}
