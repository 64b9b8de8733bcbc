using System.Globalization;
using System.Net;
using System.Net.Sockets;
using System.Text.RegularExpressions;
using Conntrack.KernelParity.Tests.Environment;
using Conntrack.KernelParity.Tests.Fill;
using Conntrack.KernelParity.Tests.Kernel;
using Conntrack.KernelParity.Tests.TableFull;

namespace Conntrack.KernelParity.Tests.Monitor;

/// <summary>
/// <c>ctnet serve</c> watching a namespace filled to the real nf_conntrack_max (never changed) while 1000 more flows
/// are dropped: the table-full lines it counts are the kernel's own lines tagged with that namespace's inode (as
/// dmesg shows them), and its entry memory is the model at the geometry /proc/slabinfo shows.
/// </summary>
[Collection(KernelParityCollection.Name)]
public sealed class ServeTableFullTests(ITestOutputHelper output)
{
    private const int Spare = 1000, Overflow = 1000;
    private static readonly TimeSpan Patience = TimeSpan.FromSeconds(60);

    [KernelFact]
    public void Table_full_lines_and_memory_are_the_kernels()
    {
        using var unchanged = GlobalSysctlOverride.KeepUnchanged(GlobalSysctlOverride.Max);
        long max = long.Parse(File.ReadAllText("/proc/sys/net/netfilter/nf_conntrack_max").Trim(), CultureInfo.InvariantCulture);
        using var filled = FilledNamespace.Create(new FillSpec().Add(FillKind.TcpEstablished, (int)max - Spare));
        filled.Add(new FillSpec().Add(FillKind.TcpEstablished, Spare));
        Assert.Equal(max, filled.Count);
        string inode = Shell.Check("stat", "-L", "-c", "%i", "/run/netns/" + filled.Name).Stdout.Trim();
        int port = FreePort();
        using var serve = new BackgroundProgram("dotnet", Path.Combine(AppContext.BaseDirectory, "ctnet.dll"),
            "serve", "--listen", $"127.0.0.1:{port}", "--netns", filled.Name);
        using var http = new HttpClient { Timeout = TimeSpan.FromSeconds(5) };
        string ns = $"{{netns=\"{filled.Name}\"}}";
        try
        {
            Wait(http, port, $"ctnet_mirrored_entries{ns}", v => v == max);
            RateLimitWindow.WaitForFresh(output);
            // Inodes of deleted namespaces are reused: only the lines printed from now on are this namespace's.
            long before = TableFullLines(inode);
            filled.Add(new FillSpec().Add(FillKind.UdpUnreplied, Overflow));
            RateLimitWindow.NoteDrops();
            long printed = TableFullLines(inode) - before;
            output.WriteLine($"{filled.Name} (netns {inode}): {printed} table-full lines in dmesg for {Overflow} drops");
            Assert.InRange(printed, 1, 10);
            Wait(http, port, $"ctnet_kernel_log_table_full_total{ns}", v => v == printed);
            Assert.InRange(Value(Scrape(http, port), $"ctnet_kernel_log_table_full_suppressed_total{ns}"), 0, Overflow - printed);

            var (perSlab, pages) = SlabGeometry();
            double expected = Math.Ceiling(max / (double)perSlab) * pages * System.Environment.SystemPageSize;
            string metrics = Wait(http, port, $"ctnet_memory_entries_bytes{ns}", v => v == expected);
            Assert.True(Value(metrics, "ctnet_slab_active_objects{cache=\"nf_conntrack\"}") >= max);
            output.WriteLine($"entries {expected / 1048576:0.0} MiB by the model, slab cache {Value(metrics, "ctnet_slab_bytes{cache=\"nf_conntrack\"}") / 1048576:0.0} MiB host-wide");
        }
        catch
        {
            output.WriteLine($"ctnet serve:\n{serve.Output}");
            throw;
        }
    }

    private static long TableFullLines(string inode) =>
        Shell.Check("dmesg").Stdout.Split('\n').Count(l => l.Contains($"table full in netns {inode}, dropping packet", StringComparison.Ordinal));

    /// <summary>objperslab and pagesperslab of the nf_conntrack cache.</summary>
    private static (long PerSlab, long Pages) SlabGeometry()
    {
        var line = File.ReadAllLines("/proc/slabinfo").Single(l => l.StartsWith("nf_conntrack ", StringComparison.Ordinal));
        var fields = line.Split(' ', StringSplitOptions.RemoveEmptyEntries);
        return (long.Parse(fields[4], CultureInfo.InvariantCulture), long.Parse(fields[5], CultureInfo.InvariantCulture));
    }

    private static string Wait(HttpClient http, int port, string series, Func<double, bool> condition)
    {
        var deadline = DateTime.UtcNow + Patience;
        while (true)
        {
            string metrics = Scrape(http, port);
            if (metrics.Length > 0 && condition(Value(metrics, series)))
                return metrics;
            if (DateTime.UtcNow > deadline)
                throw new TimeoutException($"{series} is {Value(metrics, series)} after {Patience.TotalSeconds} s");
            Thread.Sleep(500);
        }
    }

    private static string Scrape(HttpClient http, int port)
    {
        try
        {
            return http.GetStringAsync(new Uri($"http://127.0.0.1:{port}/metrics")).GetAwaiter().GetResult();
        }
        catch (HttpRequestException)
        {
            return "";
        }
    }

    /// <summary>The value of one sample line; NaN when absent.</summary>
    private static double Value(string metrics, string series)
    {
        var match = Regex.Match(metrics, "^" + Regex.Escape(series) + @" (\S+)$", RegexOptions.Multiline);
        return match.Success ? double.Parse(match.Groups[1].Value, CultureInfo.InvariantCulture) : double.NaN;
    }

    private static int FreePort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }
}
