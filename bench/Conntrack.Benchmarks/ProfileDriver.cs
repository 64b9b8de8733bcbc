using System.Diagnostics;
using System.Globalization;
using Conntrack.Benchmarking;
using Conntrack.Table;

namespace Conntrack.Benchmarks;

/// <summary>
/// <c>profile WORKLOAD SECONDS</c>: runs one of the UDP workloads in a loop for perf to record
/// (lookups-10k, lookups-1m, lookups-10m, inserts-1m), after setting it up, and prints its rate.
/// Run under <c>perf record -e cpu-clock -g</c> with <c>DOTNET_PerfMapEnabled=1</c>.
/// </summary>
internal static class ProfileDriver
{
    public static int Run(string workload, double seconds)
    {
        var deadline = TimeSpan.FromSeconds(seconds);
        long done = 0;
        Stopwatch clock;
        switch (workload)
        {
            case "inserts-1m":
                {
                    var udp = new UdpRandomWorkload(1_000_000);
                    clock = Stopwatch.StartNew();
                    while (clock.Elapsed < deadline)
                    {
                        var table = new ConntrackTable(Workloads.Sized(udp.Connections));
                        done += udp.Insert(table, Workloads.Second);
                    }
                    break;
                }
            case "lookups-10k" or "lookups-1m" or "lookups-10m":
                {
                    int flows = workload switch { "lookups-10k" => 10_000, "lookups-1m" => 1_000_000, _ => 10_000_000 };
                    var udp = new UdpRandomWorkload(flows);
                    var table = new ConntrackTable(Workloads.Sized(flows));
                    udp.Insert(table, Workloads.Second);
                    Console.Error.WriteLine($"set up {flows:N0} connections; profiling from now (pid {Environment.ProcessId})");
                    clock = Stopwatch.StartNew();
                    while (clock.Elapsed < deadline)
                        done += udp.Lookups(table, 1_000_000, Workloads.Second);
                    break;
                }
            default:
                Console.Error.WriteLine("profile: expected lookups-10k, lookups-1m, lookups-10m or inserts-1m");
                return 2;
        }
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"{workload}: {done / clock.Elapsed.TotalSeconds / 1e6:0.00} M/s over {clock.Elapsed.TotalSeconds:0.0} s"));
        return 0;
    }
}
