using System.Globalization;
using System.Text;
using Conntrack.KernelParity.Tests.Comparison;
using Conntrack.KernelParity.Tests.Engine;
using Conntrack.KernelParity.Tests.Kernel;
using Conntrack.KernelParity.Tests.Preparation;
using Conntrack.KernelParity.Tests.Scenarios;
using Conntrack.Settings;

namespace Conntrack.KernelParity.Tests;

/// <summary>
/// One parity comparison end to end: fresh topology, prepared capture, kernel replay, engine replay of
/// the very same file, entry-by-entry comparison. Everything it learns goes to the test output.
/// </summary>
internal static class ParityRun
{
    /// <summary>Tables longer than this are not printed in full (the mismatches still are).</summary>
    private const int PrintedTableLines = 40;

    /// <summary>Runs a generated scenario; <paramref name="engineSettings"/> replace B's settings on the engine side (harness self-tests only).</summary>
    public static ParityReport RunScenario(Scenario scenario, ITestOutputHelper output, ConntrackSettings? engineSettings = null)
    {
        using var topology = ParityTopology.Create();
        return RunScenario(scenario, topology, output, engineSettings);
    }

    /// <summary>
    /// Runs a generated scenario on <paramref name="topology"/> (fresh, or flushed after an earlier row);
    /// <paramref name="profile"/> names the settings profile B runs with, in the figure;
    /// <paramref name="snapL4Bytes"/> &gt; 0 hands the engine the frames cut that many bytes into L4 (<see cref="SnapLengthCut"/>).
    /// </summary>
    public static ParityReport RunScenario(Scenario scenario, ParityTopology topology, ITestOutputHelper output, ConntrackSettings? engineSettings = null, string? profile = null, int snapL4Bytes = 0)
    {
        output.WriteLine($"{scenario.Name}: {scenario.Purpose}");
        var timing = scenario.RealGaps ? ReplayTiming.Original : ReplayTiming.Default;
        string name = snapL4Bytes > 0 ? $"{scenario.Name} cut at L4+{snapL4Bytes}" : scenario.Name;
        return Run(Label(profile, name), path => ScenarioPcap.Write(scenario, path), timing, int.MaxValue, topology, output, engineSettings, snapL4Bytes);
    }

    public static ParityReport RunCapture(string name, string path, int maxPackets, ITestOutputHelper output)
    {
        using var topology = ParityTopology.Create();
        return RunCapture(name, path, maxPackets, topology, output);
    }

    /// <summary>Runs a capture on <paramref name="topology"/> (fresh, or flushed after an earlier row), under <paramref name="profile"/> if named.</summary>
    public static ParityReport RunCapture(string name, string path, int maxPackets, ParityTopology topology, ITestOutputHelper output, string? profile = null)
    {
        output.WriteLine($"{name}: {path}");
        return Run(Label(profile, name), source => File.Copy(path, source), ReplayTiming.Default, maxPackets, topology, output);
    }

    private static string Label(string? profile, string name) => profile is null ? name : $"{name} [{profile}]";

    private static ParityReport Run(string name, Action<string> writeSource, ReplayTiming timing, int maxPackets, ParityTopology topology, ITestOutputHelper output, ConntrackSettings? engineSettings = null, int snapL4Bytes = 0)
    {
        var work = Directory.CreateTempSubdirectory("ctp-");
        try
        {
            string source = Path.Combine(work.FullName, "source.pcap");
            writeSource(source);
            var prepared = CapturePreparer.Prepare(source, Path.Combine(work.FullName, "prepared.pcap"), topology.SenderMac, topology.RouterMac, timing, maxPackets);
            topology.HoldsFragments |= prepared.Fragments > 0;
            output.WriteLine(prepared.Describe());
            if (prepared.Packets == 0)
                Assert.Fail($"{name}: no packet of it can reach B's conntrack, so nothing would be compared:\n{prepared.Describe()}");

            // The engine runs with what B's conntrack holds, read back before the replay.
            var routerSettings = topology.ReadSettings();
            var kernel = KernelReplay.Run(topology, prepared);
            double timeline = (prepared.LastTimestamp - prepared.FirstTimestamp) / 1e9;
            string kernelRun = string.Create(
                CultureInfo.InvariantCulture,
                $"kernel: tcpreplay took {kernel.ReplayDuration.TotalSeconds:0.000} s for a {timeline:0.000} s timeline; /proc read {kernel.ReadDelay.TotalMilliseconds:0} ms after the last packet; b0 received {kernel.Received} of {prepared.Packets} frames, dropped {kernel.ReceiveDropped}");
            output.WriteLine(kernelRun);
            if (kernel.Received != prepared.Packets || kernel.ReceiveDropped != 0)
            {
                Assert.Fail($"{name}: b0 received {kernel.Received} of {prepared.Packets} frames (dropped {kernel.ReceiveDropped}); "
                    + "the kernel did not see exactly the prepared capture, so its table cannot be compared");
            }

            var engineInput = snapL4Bytes > 0 ? SnapLengthCut.Write(prepared, Path.Combine(work.FullName, "cut.pcap"), snapL4Bytes) : prepared;
            var engine = EngineReplay.Run(engineInput, kernel.ReadDelay, engineSettings ?? routerSettings);
            if (engine.Packets != prepared.Packets)
                Assert.Fail($"{name}: the engine was handed {engine.Packets} packets, the prepared capture holds {prepared.Packets}");

            var kernelLines = kernel.ProcText.Split('\n', StringSplitOptions.RemoveEmptyEntries);
            PrintTable(output, "kernel /proc/net/nf_conntrack", kernelLines);
            PrintTable(output, "engine", engine.ProcLines);
            output.WriteLine("kernel conntrack -S:\n" + kernel.StatsText.TrimEnd());

            var report = ParityComparer.Compare(name, kernelLines, engine.ProcLines, kernel.Counters, engine.Counters);
            output.WriteLine(report.Describe());
            // A deliberately different engine (the harness's own tests) is not a parity result.
            if (engineSettings is null)
                ParityLog.Append(report, prepared.Describe() + "\n" + kernelRun);
            return report;
        }
        finally
        {
            work.Delete(recursive: true);
        }
    }

    internal static void PrintTable(ITestOutputHelper output, string title, IReadOnlyList<string> lines)
    {
        var sb = new StringBuilder().Append(CultureInfo.InvariantCulture, $"{title}: {lines.Count} entries");
        foreach (string line in lines.Take(PrintedTableLines))
            sb.Append("\n  ").Append(line);
        if (lines.Count > PrintedTableLines)
            sb.Append("\n  …");
        output.WriteLine(sb.ToString());
    }
}
