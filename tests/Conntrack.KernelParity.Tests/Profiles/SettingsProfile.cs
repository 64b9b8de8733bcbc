using System.Globalization;

namespace Conntrack.KernelParity.Tests.Profiles;

/// <summary>
/// A set of per-namespace conntrack sysctls written into B before its rows (kernel names, without
/// <c>net.netfilter.</c>). The engine never receives them from here: it reads them back from B's
/// /proc/sys/net/netfilter, so it runs with whatever the kernel actually holds.
/// </summary>
internal sealed record SettingsProfile(string Name, string Purpose, IReadOnlyList<KeyValuePair<string, long>> Sysctls)
{
    /// <summary>The sysctl -w arguments for B.</summary>
    public IEnumerable<string> Assignments =>
        Sysctls.Select(s => string.Create(CultureInfo.InvariantCulture, $"net.netfilter.{s.Key}={s.Value}"));

    public override string ToString() => Name;
}
