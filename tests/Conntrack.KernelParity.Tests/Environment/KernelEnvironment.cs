using System.Globalization;
using System.Text.RegularExpressions;
using Conntrack.KernelParity.Tests.Kernel;

namespace Conntrack.KernelParity.Tests.Environment;

/// <summary>
/// Decides once per test run whether this machine can host the parity topology: Linux, root, the
/// tools on PATH, and a network namespace that can actually be created. The answer is a reason to
/// skip, so a machine without these reports every kernel test as SKIPPED instead of passing it.
/// </summary>
internal static partial class KernelEnvironment
{
    private static readonly string[] RequiredTools = ["ip", "nft", "tcpreplay", "conntrack", "sysctl"];

    private static readonly Lazy<string?> Reason = new(Probe);

    /// <summary>Why kernel tests cannot run here, or null when they can.</summary>
    public static string? UnavailableReason => Reason.Value;

    private static string? Probe()
    {
        if (!OperatingSystem.IsLinux())
            return "kernel parity needs Linux network namespaces";
        if (EffectiveUserId() is not 0)
            return "kernel parity needs root (network namespaces, veth pairs, nftables)";
        var missing = RequiredTools.Where(t => Shell.Find(t) is null).ToList();
        if (missing.Count > 0)
            return $"kernel parity needs {string.Join(", ", missing)} on PATH (apt-get install -y iproute2 nftables tcpreplay conntrack procps)";

        // Being root is not enough inside some containers: prove a namespace can be made.
        string probe = string.Create(CultureInfo.InvariantCulture, $"ctp-{System.Environment.ProcessId}-probe");
        var created = Shell.Try("ip", "netns", "add", probe);
        if (!created.Ok)
            return $"cannot create a network namespace: {created}";
        Shell.Try("ip", "netns", "del", probe);
        RemoveStaleNamespaces();
        // A table-full row killed outright (SIGKILL) leaves nf_conntrack_max (or the buckets) changed and a marker behind.
        TableFull.GlobalSysctlOverride.RestoreAbandoned();
        return null;
    }

    /// <summary>
    /// Deletes namespaces an earlier run left behind when it was killed before its fixtures were disposed:
    /// only names of this harness (ctp-&lt;pid&gt;-…) whose process no longer exists.
    /// </summary>
    private static void RemoveStaleNamespaces()
    {
        foreach (string line in Shell.Try("ip", "netns", "list").Stdout.Split('\n', StringSplitOptions.RemoveEmptyEntries))
        {
            string name = line.Split(' ')[0];
            var match = StaleName().Match(name);
            if (match.Success && int.TryParse(match.Groups[1].Value, NumberStyles.None, CultureInfo.InvariantCulture, out int pid)
                && pid != System.Environment.ProcessId && !Directory.Exists($"/proc/{pid}"))
            {
                Shell.Try("ip", "netns", "del", name);
            }
        }
    }

    [GeneratedRegex(@"^ctp-(\d+)-")]
    private static partial Regex StaleName();

    /// <summary>The effective uid from /proc/self/status ("Uid: real effective saved fs").</summary>
    private static int? EffectiveUserId()
    {
        try
        {
            foreach (string line in File.ReadLines("/proc/self/status"))
            {
                if (!line.StartsWith("Uid:", StringComparison.Ordinal))
                    continue;
                string[] fields = line[4..].Split((char[])['\t', ' '], StringSplitOptions.RemoveEmptyEntries);
                return fields.Length > 1 && int.TryParse(fields[1], NumberStyles.None, CultureInfo.InvariantCulture, out int uid) ? uid : null;
            }
        }
        catch (IOException)
        {
        }
        return null;
    }
}
