using System.Globalization;
using System.Text.Json;
using Conntrack.KernelParity.Tests.Kernel;

namespace Conntrack.KernelParity.Tests.Monitor;

/// <summary>
/// The Debian Prometheus server run inside a namespace with a generated config (scrape every second) and its own
/// storage directory; queried over its HTTP API from inside the namespace (curl), where its 127.0.0.1 is.
/// </summary>
internal sealed class PrometheusServer : IDisposable
{
    public const string Program = "/usr/bin/prometheus";
    private const string Address = "127.0.0.1:9090";
    private readonly string _netns;
    private readonly string _work = Directory.CreateTempSubdirectory("ctnet-prometheus-").FullName;
    private readonly BackgroundProgram _server;

    /// <param name="netns">The namespace the server runs in.</param>
    /// <param name="targets">Job name → host:port, each scraped every second.</param>
    public PrometheusServer(string netns, IReadOnlyDictionary<string, string> targets)
    {
        _netns = netns;
        string config = Path.Combine(_work, "prometheus.yml");
        var lines = new List<string> { "global:", "  scrape_interval: 1s", "  scrape_timeout: 1s", "scrape_configs:" };
        foreach (var (job, target) in targets)
            lines.AddRange([$"  - job_name: {job}", "    static_configs:", $"      - targets: ['{target}']"]);
        File.WriteAllLines(config, lines);
        _server = new BackgroundProgram("ip", "netns", "exec", netns, Program, "--config.file=" + config,
            "--storage.tsdb.path=" + Path.Combine(_work, "data"), "--web.listen-address=" + Address);
    }

    public string Output => _server.Output;

    /// <summary>An instant query's samples: the labels of each series, and its value.</summary>
    public IReadOnlyList<(Dictionary<string, string> Labels, double Value)> Query(string promql)
    {
        var run = Shell.Try("ip", "netns", "exec", _netns, "curl", "-sf", "--max-time", "5", "-G",
            $"http://{Address}/api/v1/query", "--data-urlencode", "query=" + promql);
        if (!run.Ok)
            return [];
        using var json = JsonDocument.Parse(run.Stdout);
        return [.. json.RootElement.GetProperty("data").GetProperty("result").EnumerateArray().Select(r => (
            r.GetProperty("metric").EnumerateObject().ToDictionary(p => p.Name, p => p.Value.GetString() ?? ""),
            double.Parse(r.GetProperty("value")[1].GetString()!, CultureInfo.InvariantCulture)))];
    }

    /// <summary>Waits until <paramref name="promql"/> returns at least one sample.</summary>
    public IReadOnlyList<(Dictionary<string, string> Labels, double Value)> WaitFor(string promql, TimeSpan timeout)
    {
        var deadline = DateTime.UtcNow + timeout;
        while (true)
        {
            var samples = Query(promql);
            if (samples.Count > 0)
                return samples;
            if (DateTime.UtcNow > deadline || _server.Exited)
                throw new TimeoutException($"no samples for {promql} after {timeout.TotalSeconds} s; prometheus said:\n{Output}");
            Thread.Sleep(500);
        }
    }

    public void Dispose()
    {
        _server.Dispose();
        Directory.Delete(_work, recursive: true);
    }
}
