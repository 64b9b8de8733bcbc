using Conntrack.Capture;

namespace Conntrack.KernelParity.Tests.Scenarios;

/// <summary>Collects a scenario's packets as Ethernet frames (optionally VLAN-tagged) with their gaps.</summary>
internal sealed class ScenarioBuilder(string name, string purpose)
{
    /// <summary>The spacing the replay uses anyway; a scenario only states gaps that differ.</summary>
    private static readonly TimeSpan DefaultGap = TimeSpan.FromMilliseconds(2);

    private readonly List<ScenarioFrame> _frames = [];
    private TimeSpan? _nextGap;
    private bool _realGaps;

    /// <summary>Adds one IP packet, in an Ethernet frame carrying <paramref name="vlanIds"/> (outermost first).</summary>
    public ScenarioBuilder Add(byte[] ipPacket, params ushort[] vlanIds)
    {
        byte[] frame = new byte[ipPacket.Length + 14 + (4 * vlanIds.Length)];
        ushort etherType = ipPacket[0] >> 4 == 4 ? (ushort)0x0800 : (ushort)0x86DD;
        int n = PacketBuilder.Ethernet(frame, etherType, ipPacket, vlanIds);
        _frames.Add(new ScenarioFrame(frame[..n], _nextGap ?? DefaultGap));
        _nextGap = null;
        return this;
    }

    public ScenarioBuilder Add(IEnumerable<byte[]> ipPackets)
    {
        foreach (byte[] p in ipPackets)
            Add(p);
        return this;
    }

    /// <summary>The next packet follows the previous one after <paramref name="gap"/>; the scenario then keeps real timing.</summary>
    public ScenarioBuilder Wait(TimeSpan gap)
    {
        _nextGap = gap;
        _realGaps = true;
        return this;
    }

    public Scenario Build() => new(name, purpose, _frames, _realGaps);
}
