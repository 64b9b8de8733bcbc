using System.Text.Json;
using Conntrack.TestData;
using System.Text.RegularExpressions;

namespace Conntrack.Monitor.Tests;

/// <summary>
/// deploy/ as shipped: the systemd unit through systemd-analyze, the alert rules through promtool (check and unit tests),
/// and every metric the rules and the Grafana dashboard use present in ctnet's exposition.
/// </summary>
public partial class DeployFilesTests
{
    private const string Promtool = "/usr/bin/promtool";
    private const string SystemdAnalyze = "/usr/bin/systemd-analyze";
    private static readonly string Deploy = Path.Combine(AppContext.BaseDirectory, "deploy");
    private static readonly string Rules = Path.Combine(Deploy, "prometheus", "ctnet-alerts.yml");

    [Fact]
    public void The_alert_rules_pass_promtool_check_and_their_unit_tests()
    {
        Assert.True(File.Exists(Promtool), "needs the Debian package prometheus (promtool)");
        var check = Exposition.Run(Promtool, null, "check", "rules", Rules);
        Assert.True(check.Code == 0, check.Output);
        Assert.Contains("SUCCESS: 6 rules found", check.Output, StringComparison.Ordinal);
        var test = Exposition.Run(Promtool, null, "test", "rules", Path.Combine(Deploy, "prometheus", "ctnet-alerts.test.yml"));
        Assert.True(test.Code == 0, test.Output);
    }

    [Fact]
    public void The_systemd_unit_verifies_and_is_hardened()
    {
        Assert.True(File.Exists(SystemdAnalyze), "needs systemd-analyze");
        using var dir = new TempDir();
        // verify insists that the program exists: the installed ctnet is replaced by one that does.
        string unit = Path.Combine(dir.Path, "ctnet-serve.service");
        File.WriteAllText(unit, File.ReadAllText(Path.Combine(Deploy, "systemd", "ctnet-serve.service")).Replace("/opt/ctnet/ctnet", Environment.ProcessPath!, StringComparison.Ordinal));
        var verify = Exposition.Run(SystemdAnalyze, null, "verify", unit);
        Assert.True(verify.Code == 0 && verify.Output.Trim().Length == 0, verify.Output);
        var security = Exposition.Run(SystemdAnalyze, null, "security", "--offline=yes", "--no-pager", unit);
        var exposure = ExposureLine().Match(security.Output);
        Assert.True(exposure.Success, security.Output);
        double level = double.Parse(exposure.Groups[1].Value, System.Globalization.CultureInfo.InvariantCulture);
        Assert.True(level <= 2.5, $"exposure {level}:\n{security.Output}");
    }

    [Fact]
    public void The_daemonset_is_unprivileged_with_net_admin_only()
    {
        string yaml = File.ReadAllText(Path.Combine(Deploy, "kubernetes", "ctnet-daemonset.yaml"));
        foreach (string line in (string[])["hostNetwork: true", "hostPID: true", "privileged: false", "allowPrivilegeEscalation: false",
            "readOnlyRootFilesystem: true", "drop: [\"ALL\"]", "add: [\"NET_ADMIN\"]", "prometheus.io/scrape: \"true\"", "prometheus.io/port: \"9467\"", "kind: Service"])
            Assert.Contains(line, yaml, StringComparison.Ordinal);
        Assert.Single(Regex.Matches(yaml, @"add: \[[^\]]*\]"));
    }

    [Fact]
    public void Every_metric_the_rules_and_the_dashboard_use_is_exported()
    {
        var exported = Exposition.Families(Exposition.Scrape(SampleSnapshots.Of("a"), SampleSnapshots.Of("b"))).Keys
            .Concat(Exposition.Families(Exposition.Scrape(SampleSnapshots.Of("current"))).Keys).ToHashSet(StringComparer.Ordinal);
        using var dashboard = JsonDocument.Parse(File.ReadAllText(Path.Combine(Deploy, "grafana", "ctnet-dashboard.json")));
        var expressions = dashboard.RootElement.GetProperty("panels").EnumerateArray()
            .SelectMany(p => p.GetProperty("targets").EnumerateArray()).Select(t => t.GetProperty("expr").GetString()!)
            .Concat(dashboard.RootElement.GetProperty("templating").GetProperty("list").EnumerateArray()
                .Where(v => v.TryGetProperty("definition", out _)).Select(v => v.GetProperty("definition").GetString()!))
            .ToList();
        Assert.True(expressions.Count >= 12, "the dashboard has fewer queries than panels");
        var used = expressions.Concat(ExprLine().Matches(File.ReadAllText(Rules)).Select(m => m.Groups[1].Value))
            .SelectMany(e => MetricName().Matches(e).Select(m => m.Value)).ToHashSet(StringComparer.Ordinal);
        Assert.Contains("ctnet_kernel_log_table_full_total", used);
        Assert.DoesNotContain(used, name => !exported.Contains(name));
    }

    [GeneratedRegex(@"Overall exposure level for \S+: (\d+\.\d+)")]
    private static partial Regex ExposureLine();

    [GeneratedRegex(@"^\s*expr: (.+)$", RegexOptions.Multiline)]
    private static partial Regex ExprLine();

    [GeneratedRegex(@"\b(?:ctnet|node_nf_conntrack)_[a-z_]+")]
    private static partial Regex MetricName();
}
