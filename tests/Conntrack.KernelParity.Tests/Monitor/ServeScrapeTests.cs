using Conntrack.KernelParity.Tests.Environment;
using Conntrack.KernelParity.Tests.Fill;
using Conntrack.KernelParity.Tests.Kernel;

namespace Conntrack.KernelParity.Tests.Monitor;

/// <summary>
/// <c>ctnet serve</c> scraped by a real Prometheus beside node_exporter's conntrack collector, all three inside a
/// filled private namespace (its own loopback, so the fixed ports are free): the kernel's count, the per-state
/// series and every node_nf_conntrack_* series must agree.
/// </summary>
[Collection(KernelParityCollection.Name)]
public sealed class ServeScrapeTests(ITestOutputHelper output)
{
    private const string NodeExporter = "/usr/bin/prometheus-node-exporter";
    private static readonly TimeSpan Patience = TimeSpan.FromSeconds(60);

    private static readonly string[] NodeSeries =
    [
        "node_nf_conntrack_entries", "node_nf_conntrack_entries_limit", "node_nf_conntrack_stat_found", "node_nf_conntrack_stat_invalid",
        "node_nf_conntrack_stat_ignore", "node_nf_conntrack_stat_insert", "node_nf_conntrack_stat_insert_failed",
        "node_nf_conntrack_stat_drop", "node_nf_conntrack_stat_early_drop", "node_nf_conntrack_stat_search_restart",
    ];

    [KernelFact]
    public void Prometheus_scraping_ctnet_sees_the_kernels_count_and_what_node_exporter_sees()
    {
        Assert.True(File.Exists(PrometheusServer.Program) && File.Exists(NodeExporter), "needs the Debian packages prometheus and prometheus-node-exporter");
        // Only long-lived kinds (days, minutes): nothing expires while the servers start and scrape.
        var spec = new FillSpec()
            .Add(FillKind.TcpEstablished, 3000)
            .Add(FillKind.TcpEstablished, 700, ipv6: true)
            .Add(FillKind.UdpAssured, 800)
            .Add(FillKind.SctpEstablished, 300)
            .Add(FillKind.Gre, 200);
        using var filled = FilledNamespace.Create(spec);
        Shell.Check("ip", "netns", "exec", filled.Name, "ip", "link", "set", "lo", "up");
        using var serve = new BackgroundProgram("ip", "netns", "exec", filled.Name, "dotnet", Path.Combine(AppContext.BaseDirectory, "ctnet.dll"),
            "serve", "--listen", "127.0.0.1:9467", "--netns", filled.Name, "--interval", "1s");
        using var node = new BackgroundProgram("ip", "netns", "exec", filled.Name, NodeExporter,
            "--collector.disable-defaults", "--collector.conntrack", "--web.listen-address=127.0.0.1:9100");
        using var prometheus = new PrometheusServer(filled.Name, new Dictionary<string, string>
        {
            ["ctnet"] = "127.0.0.1:9467",
            ["node"] = "127.0.0.1:9100",
        });
        try
        {
            prometheus.WaitFor("node_nf_conntrack_entries{job=\"ctnet\"} > 0", Patience);
            prometheus.WaitFor("node_nf_conntrack_entries{job=\"node\"}", Patience);
            // Both targets scraped after the ctnet mirror's first resync: a fresh sample of each.
            Thread.Sleep(TimeSpan.FromSeconds(3));
            long count = filled.Count;
            output.WriteLine($"{filled.Name}: {count} entries");

            Assert.Equal(spec.Entries, count);
            Assert.Equal(count, Single(prometheus, "node_nf_conntrack_entries{job=\"ctnet\"}"));
            Assert.Equal(count, Single(prometheus, "sum(ctnet_entries{job=\"ctnet\"})"));
            var states = prometheus.Query("sum by (l4, state) (ctnet_entries{job=\"ctnet\"})")
                .ToDictionary(s => $"{s.Labels["l4"]}/{s.Labels["state"]}", s => s.Value);
            output.WriteLine(string.Join(", ", states.Select(s => $"{s.Key}={s.Value}")));
            Assert.Equal(3700, states["tcp/established"]);
            Assert.Equal(800, states["udp/none"]);
            Assert.Equal(300, states["sctp/established"]);
            Assert.Equal(200, states["gre/none"]);
            output.WriteLine($"scrape {Single(prometheus, "ctnet_scrape_duration_seconds") * 1000:0.###} ms, startup resync {Single(prometheus, "ctnet_last_resync_duration_seconds") * 1000:0.###} ms, {count} entries");
            foreach (string name in NodeSeries)
            {
                double ours = Single(prometheus, $"{name}{{job=\"ctnet\"}}"), theirs = Single(prometheus, $"{name}{{job=\"node\"}}");
                output.WriteLine($"{name}: ctnet {ours}, node_exporter {theirs}");
                Assert.True(ours == theirs, $"{name}: ctnet {ours}, node_exporter {theirs}");
            }
        }
        catch
        {
            output.WriteLine($"ctnet serve:\n{serve.Output}\nnode_exporter:\n{node.Output}\nprometheus:\n{prometheus.Output}");
            throw;
        }
    }

    private static double Single(PrometheusServer prometheus, string promql)
    {
        var samples = prometheus.WaitFor(promql, Patience);
        Assert.True(samples.Count == 1, $"{promql}: {samples.Count} series");
        return samples[0].Value;
    }
}
