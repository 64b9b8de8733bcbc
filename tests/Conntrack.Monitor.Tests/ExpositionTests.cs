using System.Diagnostics;
using System.Net;
using System.Net.Sockets;

namespace Conntrack.Monitor.Tests;

/// <summary>
/// The exposition's names: node_nf_conntrack_* exactly as the real node_exporter (Debian prometheus-node-exporter) exports
/// them, and every ctnet_* family passing promtool's lint of Prometheus naming conventions (units, _total on counters).
/// </summary>
public class ExpositionTests
{
    private const string NodeExporter = "/usr/bin/prometheus-node-exporter";
    private const string Promtool = "/usr/bin/promtool";

    [Fact]
    public void Node_series_have_node_exporters_names_types_and_help()
    {
        Assert.True(File.Exists(NodeExporter), "needs the Debian package prometheus-node-exporter");
        var theirs = Exposition.Families(NodeExporterScrape()).Where(f => f.Key.StartsWith("node_nf_conntrack_", StringComparison.Ordinal)).ToDictionary();
        var ours = Exposition.Families(Exposition.Scrape(SampleSnapshots.Of("current"))).Where(f => f.Key.StartsWith("node_", StringComparison.Ordinal)).ToDictionary();
        Assert.Equal(10, theirs.Count);
        Assert.Equal(theirs.OrderBy(f => f.Key, StringComparer.Ordinal), ours.OrderBy(f => f.Key, StringComparer.Ordinal));
    }

    [Fact]
    public void Every_family_passes_promtools_naming_lint()
    {
        Assert.True(File.Exists(Promtool), "needs the Debian package prometheus (promtool)");
        string text = Exposition.Scrape(SampleSnapshots.Of("a"), SampleSnapshots.Of("b"));
        var (code, output) = Exposition.Run(Promtool, text, "check", "metrics");
        Assert.True(code == 0, output);
        var families = Exposition.Families(text);
        Assert.All(families.Where(f => f.Value.Type == "counter"), f => Assert.EndsWith("_total", f.Key, StringComparison.Ordinal));
        Assert.All(families, f => Assert.True(f.Value.Help.Length > 20, $"{f.Key}: help text '{f.Value.Help}'"));
    }

    [Fact]
    public void Memory_log_and_rate_series_carry_the_snapshots_figures()
    {
        var samples = Exposition.Samples(Exposition.Scrape(SampleSnapshots.Of("current"))).ToHashSet(StringComparer.Ordinal);
        Assert.Contains("ctnet_memory_entries_bytes{netns=\"current\"} 4096", samples);
        Assert.Contains("ctnet_memory_buckets_bytes{netns=\"current\"} 2097152", samples);
        Assert.Contains("ctnet_slab_bytes{cache=\"nf_conntrack\"} 40960", samples);
        Assert.Contains("ctnet_kernel_log_table_full_total{netns=\"current\"} 11", samples);
        Assert.Contains("ctnet_kernel_log_table_full_suppressed_total{netns=\"current\"} 8104", samples);
        Assert.Contains("ctnet_entries_created_per_second{netns=\"current\"} 2", samples);
        Assert.Contains("ctnet_stat_early_drop_total{netns=\"current\",cpu=\"1\"} 2", samples);
        Assert.Contains("node_nf_conntrack_stat_early_drop 3", samples);
    }

    [Fact]
    public void A_namespace_no_longer_watched_takes_its_series_with_it()
    {
        var watched = new List<NamespaceSnapshot> { SampleSnapshots.Of("stays"), SampleSnapshots.Of("goes") };
        var metrics = new ConntrackMetrics(() => watched.Select(s => new WatchedNamespace(s.Netns, null, s)), labelNodeSeries: true);
        Assert.Contains(Exposition.Samples(Exposition.Scrape(metrics)), l => l.Contains("netns=\"goes\"", StringComparison.Ordinal));
        watched.RemoveAt(1);
        var after = Exposition.Samples(Exposition.Scrape(metrics)).ToList();
        Assert.DoesNotContain(after, l => l.Contains("netns=\"goes\"", StringComparison.Ordinal));
        Assert.Contains(after, l => l.StartsWith("node_nf_conntrack_entries{netns=\"stays\"}", StringComparison.Ordinal));
    }

    /// <summary>The real node_exporter's conntrack collector, in this process's namespace, scraped once.</summary>
    private static string NodeExporterScrape()
    {
        int port = FreePort();
        var start = new ProcessStartInfo(NodeExporter, ["--collector.disable-defaults", "--collector.conntrack", $"--web.listen-address=127.0.0.1:{port}"])
        {
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        using var server = Process.Start(start)!;
        server.ErrorDataReceived += (_, _) => { };
        server.BeginErrorReadLine();
        try
        {
            using var http = new HttpClient { Timeout = TimeSpan.FromSeconds(5) };
            for (int attempt = 0; attempt < 100; attempt++)
            {
                try
                {
                    return http.GetStringAsync(new Uri($"http://127.0.0.1:{port}/metrics")).GetAwaiter().GetResult();
                }
                catch (HttpRequestException)
                {
                    Thread.Sleep(100);
                }
            }
            throw new TimeoutException($"node_exporter did not answer on 127.0.0.1:{port}");
        }
        finally
        {
            server.Kill();
            server.WaitForExit();
        }
    }

    private static int FreePort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }
}
