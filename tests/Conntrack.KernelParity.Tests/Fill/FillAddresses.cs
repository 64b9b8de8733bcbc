using System.Globalization;
using System.Buffers.Binary;
using System.Net;
using Conntrack.KernelParity.Tests.Kernel;
using Conntrack.KernelParity.Tests.Scenarios;

namespace Conntrack.KernelParity.Tests.Fill;

/// <summary>
/// Where a filled entry's packets go. Each group of a namespace has a slot (0–255) and its own servers,
/// 10.200.&lt;slot&gt;.1 (the dnat target .2) and fd00:200::&lt;slot&gt;:1 (:2), so the nftables rules pick a group
/// by its server network and no two groups share a tuple. Entry j of a group comes from client j:
/// 10.64.0.0/10 or fd00:210::/64, port 1024 + j mod 64,000. All of it is routed to the sink C.
/// </summary>
internal static class FillAddresses
{
    public const int MaxSlots = 256;

    private const uint ClientBase = 0x0A400000; // 10.64.0.0

    public static ScenarioHost Server(int slot, bool ipv6) => ipv6 ? V6(0xfd000200, ((ulong)slot << 16) | 1) : V4(0x0AC80001 | ((uint)slot << 8));

    public static ScenarioHost DnatTarget(int slot, bool ipv6) => ipv6 ? V6(0xfd000200, ((ulong)slot << 16) | 2) : V4(0x0AC80002 | ((uint)slot << 8));

    public static ScenarioHost Client(int index, bool ipv6) => ipv6 ? V6(0xfd000210, (ulong)index + 1) : V4(ClientBase + 1 + (uint)index);

    public static ushort ClientPort(int index) => (ushort)(1024 + (index % FillSpec.MaxMasqueraded));

    /// <summary>The router's own address on b1, which masquerade puts in the reply tuple.</summary>
    public static ScenarioHost Router(bool ipv6) => ipv6 ? Router6 : Router4;

    /// <summary>The group's server network (covering the server and the dnat target), as nftables writes it.</summary>
    public static string ServerNetwork(int slot, bool ipv6) => ipv6
        ? string.Create(CultureInfo.InvariantCulture, $"fd00:200::{slot:x}:0/112")
        : string.Create(CultureInfo.InvariantCulture, $"10.200.{slot}.0/24");

    private static readonly ScenarioHost Router4 = ScenarioHost.Of(ParityTopology.RouterIpv4);
    private static readonly ScenarioHost Router6 = ScenarioHost.Of(ParityTopology.RouterIpv6);

    private static ScenarioHost V4(uint hostOrder) => ScenarioHost.Of(new IPAddress(BinaryPrimitives.ReverseEndianness(hostOrder)));

    /// <summary>An address whose first 32 bits are <paramref name="prefix"/> (fd00:200:: → 0xfd000200) and whose last 64 are <paramref name="low"/>.</summary>
    private static ScenarioHost V6(uint prefix, ulong low)
    {
        byte[] bytes = new byte[16];
        BinaryPrimitives.WriteUInt32BigEndian(bytes, prefix);
        BinaryPrimitives.WriteUInt64BigEndian(bytes.AsSpan(8), low);
        return ScenarioHost.Of(new IPAddress(bytes));
    }
}
