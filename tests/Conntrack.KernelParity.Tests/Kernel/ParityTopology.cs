using System.Globalization;
using System.Text.Json;
using Conntrack.KernelParity.Tests.Profiles;
using Conntrack.Settings;

namespace Conntrack.KernelParity.Tests.Kernel;

/// <summary>
/// Three private network namespaces: A replays frames with tcpreplay over veth a0↔b0 into the router B,
/// whose conntrack table is the one compared; B forwards everything over b1↔c0 to C, which drops it.
/// A and C are silenced so that nothing but the replayed frames ever reaches B, and B's own packets
/// (ICMP errors, MLD) are untracked so they cannot touch its table or counters. Disposing deletes the
/// namespaces (and with them the veths and B's table), also after a failed setup.
/// </summary>
internal sealed class ParityTopology : IDisposable
{
    /// <summary>b1's side of the B–C link; C needs no address (B reaches it through permanent neighbour entries).</summary>
    public const string RouterIpv4 = "10.202.255.1";
    public const string SinkIpv4 = "10.202.255.2";
    public const string RouterIpv6 = "fd00:202::1";
    public const string SinkIpv6 = "fd00:202::2";

    // Large enough for any frame a capture holds (offloaded captures carry up to 64 KiB packets), so
    // neither tcpreplay nor B's forwarding path refuses a packet for its size.
    private const string Mtu = "65535";

    private static int _sequence;

    private readonly List<string> _created = [];

    // B's settings as read back after the last Apply (per-namespace sysctls change only there).
    private ConntrackSettings? _settings;

    public string SenderNamespace { get; }
    public string RouterNamespace { get; }
    public string SinkNamespace { get; }

    /// <summary>Set once a row has sent B fragments: queues still waiting for reassembly survive <see cref="Flush"/>.</summary>
    public bool HoldsFragments { get; set; }

    /// <summary>a0's MAC: the source of every replayed frame.</summary>
    public ulong SenderMac { get; private set; }

    /// <summary>b0's MAC: the destination of every replayed frame, so B takes them as addressed to it.</summary>
    public ulong RouterMac { get; private set; }

    private ParityTopology()
    {
        string prefix = string.Create(CultureInfo.InvariantCulture, $"ctp-{System.Environment.ProcessId}-{Interlocked.Increment(ref _sequence)}");
        SenderNamespace = prefix + "-a";
        RouterNamespace = prefix + "-b";
        SinkNamespace = prefix + "-c";
    }

    public static ParityTopology Create()
    {
        var topology = new ParityTopology();
        try
        {
            topology.Build();
            return topology;
        }
        catch
        {
            topology.Dispose();
            throw;
        }
    }

    private void Build()
    {
        foreach (string ns in new[] { SenderNamespace, RouterNamespace, SinkNamespace })
        {
            Shell.Check("ip", "netns", "add", ns);
            _created.Add(ns);
        }
        Shell.Check("ip", "link", "add", "a0", "netns", SenderNamespace, "type", "veth", "peer", "name", "b0", "netns", RouterNamespace);
        Shell.Check("ip", "link", "add", "b1", "netns", RouterNamespace, "type", "veth", "peer", "name", "c0", "netns", SinkNamespace);

        // A and C have no IPv6 at all: no DAD, router solicitations or MLD reports from them.
        foreach (var (ns, dev) in new[] { (SenderNamespace, "a0"), (SinkNamespace, "c0") })
            Sysctl(ns, "net.ipv6.conf.all.disable_ipv6=1", "net.ipv6.conf.default.disable_ipv6=1", $"net.ipv6.conf.{dev}.disable_ipv6=1");

        // B must accept and forward anything: no reverse-path filter, no redirects, no DAD/RA/RS noise,
        // and no automatic link-local addresses (so no solicited-node groups) on its veths.
        var router = new List<string>
        {
            "net.ipv4.ip_forward=1",
            "net.ipv6.conf.all.forwarding=1",
            // Captures taken on the sending host carry offloaded (wrong) L4 checksums.
            "net.netfilter.nf_conntrack_checksum=0",
        };
        foreach (string scope in new[] { "all", "default", "b0", "b1" })
        {
            router.Add($"net.ipv4.conf.{scope}.rp_filter=0");
            router.Add($"net.ipv4.conf.{scope}.send_redirects=0");
            router.Add($"net.ipv4.conf.{scope}.accept_redirects=0");
            router.Add($"net.ipv6.conf.{scope}.accept_dad=0");
            router.Add($"net.ipv6.conf.{scope}.dad_transmits=0");
            router.Add($"net.ipv6.conf.{scope}.router_solicitations=0");
            router.Add($"net.ipv6.conf.{scope}.accept_ra=0");
            router.Add($"net.ipv6.conf.{scope}.accept_redirects=0");
        }
        router.Add("net.ipv6.conf.b0.addr_gen_mode=1");
        router.Add("net.ipv6.conf.b1.addr_gen_mode=1");
        Sysctl(RouterNamespace, [.. router]);

        foreach (var (ns, dev) in new[] { (SenderNamespace, "a0"), (RouterNamespace, "b0"), (RouterNamespace, "b1"), (SinkNamespace, "c0") })
            Shell.Check("ip", "-n", ns, "link", "set", dev, "mtu", Mtu, "up");
        Shell.Check("ip", "-n", RouterNamespace, "link", "set", "lo", "up");

        Shell.Check("ip", "-n", RouterNamespace, "addr", "add", RouterIpv4 + "/30", "dev", "b1");
        Shell.Check("ip", "-n", RouterNamespace, "-6", "addr", "add", RouterIpv6 + "/64", "dev", "b1", "nodad");
        string sinkMac = MacText(ReadMac(SinkNamespace, "c0"));
        Shell.Check("ip", "-n", RouterNamespace, "neigh", "replace", SinkIpv4, "lladdr", sinkMac, "nud", "permanent", "dev", "b1");
        Shell.Check("ip", "-n", RouterNamespace, "-6", "neigh", "replace", SinkIpv6, "lladdr", sinkMac, "nud", "permanent", "dev", "b1");
        Shell.Check("ip", "-n", RouterNamespace, "route", "add", "default", "via", SinkIpv4, "dev", "b1");
        Shell.Check("ip", "-n", RouterNamespace, "-6", "route", "add", "default", "via", SinkIpv6, "dev", "b1");

        // A ct expression is what makes nftables register conntrack in B (for both families: inet).
        // Input as well as forward, so packets B delivers locally (broadcasts, all-nodes) are tracked
        // and confirmed too. B's own output is untracked at raw priority: the kernel side must hold
        // exactly what the replayed packets created, which is all the engine sees.
        Shell.CheckWithInput(
            """
            table inet parity {
              chain forward_chain { type filter hook forward priority filter; ct state new counter; }
              chain input_chain { type filter hook input priority filter; ct state new counter; }
              chain output_chain { type filter hook output priority raw; notrack; }
            }
            """,
            "ip", "netns", "exec", RouterNamespace, "nft", "-f", "-");

        // A sends only through tcpreplay's packet socket (which no hook sees); C only swallows. Neither
        // may answer anything, or the answer would reach B and be tracked there.
        foreach (string ns in new[] { SenderNamespace, SinkNamespace })
        {
            Shell.CheckWithInput(
                """
                table inet silent {
                  chain input_chain { type filter hook input priority filter; policy drop; }
                  chain output_chain { type filter hook output priority filter; policy drop; }
                }
                """,
                "ip", "netns", "exec", ns, "nft", "-f", "-");
        }

        SenderMac = ReadMac(SenderNamespace, "a0");
        RouterMac = ReadMac(RouterNamespace, "b0");
    }

    /// <summary>Writes a settings profile's per-namespace sysctls into B (nothing global).</summary>
    public void Apply(SettingsProfile profile)
    {
        Sysctl(RouterNamespace, [.. profile.Assignments]);
        _settings = null;
    }

    /// <summary>
    /// The settings B's conntrack runs with, read back from its /proc/sys/net/netfilter: what the
    /// engine is given, so a sysctl the kernel refused or rounded cannot reach the engine unnoticed.
    /// </summary>
    public ConntrackSettings ReadSettings() => (_settings ??= ReadSettingsFromRouter()).Clone();

    private ConntrackSettings ReadSettingsFromRouter()
    {
        var values = new List<(string Name, string Value, string Source)>();
        foreach (string line in InRouter("sysctl", "net.netfilter").Stdout.Split('\n', StringSplitOptions.RemoveEmptyEntries))
        {
            int eq = line.IndexOf('=', StringComparison.Ordinal);
            if (eq <= 0)
                continue;
            string name = line[..eq].Trim()["net.netfilter.".Length..];
            if (ConntrackSettings.IsModelled(name))
                values.Add((name, line[(eq + 1)..].Trim(), $"{RouterNamespace}: net.netfilter.{name}"));
        }
        return SettingsLoader.FromValues(values);
    }

    /// <summary>
    /// Empties B's table between two rows that share the topology (its counters only ever grow, so
    /// rows compare their increase). Fragments waiting for reassembly cannot be flushed: a row that
    /// sent fragments leaves its topology to be rebuilt.
    /// </summary>
    public void Flush()
    {
        InRouter("conntrack", "-F");
        string left = InRouter("cat", "/proc/net/nf_conntrack").Stdout;
        if (left.Trim().Length > 0)
            throw new InvalidOperationException($"conntrack -F left entries in {RouterNamespace}:\n{left}");
    }

    /// <summary>Runs a program inside B.</summary>
    public Shell.Result InRouter(string program, params string[] args) =>
        Shell.Check("ip", ["netns", "exec", RouterNamespace, program, .. args]);

    /// <summary>Runs a program inside A.</summary>
    public Shell.Result InSender(string program, params string[] args) =>
        Shell.Try("ip", ["netns", "exec", SenderNamespace, program, .. args]);

    /// <summary>b0's receive counters: every replayed frame must show up here, none dropped.</summary>
    public (long Packets, long Dropped) RouterReceiveCounters()
    {
        using var json = JsonDocument.Parse(Shell.Check("ip", "-n", RouterNamespace, "-s", "-j", "link", "show", "dev", "b0").Stdout);
        var rx = json.RootElement[0].GetProperty("stats64").GetProperty("rx");
        return (rx.GetProperty("packets").GetInt64(), rx.GetProperty("dropped").GetInt64());
    }

    public void Dispose()
    {
        // Deleting a namespace destroys its veths (and the peers), its nftables tables and its conntrack table.
        foreach (string ns in _created)
            Shell.Try("ip", "netns", "del", ns);
        _created.Clear();
    }

    private static void Sysctl(string ns, params string[] assignments) =>
        Shell.Check("ip", ["netns", "exec", ns, "sysctl", "-q", "-w", .. assignments]);

    private static ulong ReadMac(string ns, string dev)
    {
        using var json = JsonDocument.Parse(Shell.Check("ip", "-n", ns, "-j", "link", "show", "dev", dev).Stdout);
        string text = json.RootElement[0].GetProperty("address").GetString() ?? throw new InvalidOperationException($"{dev} in {ns} has no MAC");
        return ulong.Parse(text.Replace(":", string.Empty, StringComparison.Ordinal), NumberStyles.HexNumber, CultureInfo.InvariantCulture);
    }

    private static string MacText(ulong mac) =>
        string.Join(':', Enumerable.Range(0, 6).Select(i => ((mac >> (40 - (8 * i))) & 0xFF).ToString("x2", CultureInfo.InvariantCulture)));
}
