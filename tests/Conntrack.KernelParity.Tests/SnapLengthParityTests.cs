using Conntrack.KernelParity.Tests.Environment;
using Conntrack.KernelParity.Tests.Profiles;
using Conntrack.KernelParity.Tests.Scenarios;

namespace Conntrack.KernelParity.Tests;

/// <summary>
/// Captures taken with a small snap length (issue #18): the kernel is sent the whole packets, the
/// engine replays the same frames cut a few bytes into their L4 header, as <c>tcpdump -s</c> would
/// have stored them. What the kernel saw of the cut bytes the engine cannot know; where the first
/// bytes suffice (ports, sequence numbers, flags) the tables must still agree.
/// </summary>
[Collection(KernelParityCollection.Name)]
public sealed class SnapLengthParityTests(ITestOutputHelper output, ProfileTopologies topologies) : IClassFixture<ProfileTopologies>
{
    /// <summary>
    /// Scenarios and how many L4 bytes their cut frames keep: TCP 20 (options and payload cut, as
    /// <c>-s 54</c> stores IPv4) and 14 (window cut too, as <c>-s 68</c> stores IPv6), UDP 8, ICMP errors
    /// 20 and 8 (the quoted packet cut). Fewer than 14 TCP bytes lose the flags, which no tracker can
    /// do without: such segments are not judged at all (L4Status.Unseen), and a table cannot agree.
    /// </summary>
    private static readonly (string Scenario, int L4Bytes)[] Cuts =
    [
        ("tcp/handshake-data", 20), ("tcp/handshake-data", 14),
        ("tcp/full-close", 20), ("tcp/full-close", 14),
        ("tcp6/handshake-close", 20), ("tcp6/handshake-close", 14),
        ("tcp/wscale-both", 20), ("tcp/wscale-both", 14),
        ("tcp/sack-within-data", 20),
        ("tcp/midstream-ack", 14),
        ("udp/reply-after-2s", 8),
        ("icmp/port-unreachable-tracked", 20), ("icmp/port-unreachable-tracked", 8),
        ("icmpv6/port-unreachable-tracked", 8),
    ];

    public static TheoryData<string, string, int> Rows
    {
        get
        {
            var rows = new TheoryData<string, string, int>();
            foreach (string profile in new[] { "liberal", "strict" })
            {
                foreach (var (scenario, bytes) in Cuts)
                    rows.Add(profile, scenario, bytes);
            }
            return rows;
        }
    }

    [KernelTheory]
    [MemberData(nameof(Rows))]
    public void A_cut_capture_replays_like_the_whole_packets(string profile, string scenario, int l4Bytes)
    {
        var settings = SettingsProfiles.ByName(profile);
        var report = ParityRun.RunScenario(ScenarioCatalog.ByName[scenario], topologies.For(settings), output, profile: settings.Name, snapL4Bytes: l4Bytes);
        Assert.True(report.IsParity, report.Describe());
    }
}
