using System.Net;

namespace Conntrack.KernelParity.Tests.Scenarios;

/// <summary>
/// An address used by generated scenarios: IPv4 in 10.201.0.0/16 and IPv6 in fd00:201::/64, ranges that
/// never leave the test namespaces (B's only route is to the sink C) and avoid the B–C link itself.
/// </summary>
internal sealed class ScenarioHost
{
    public static ScenarioHost Client { get; } = Of("10.201.0.1");
    public static ScenarioHost Server { get; } = Of("10.201.0.2");

    /// <summary>A router on the path that sends ICMP errors about the client's packets.</summary>
    public static ScenarioHost Router { get; } = Of("10.201.0.254");

    public static ScenarioHost Client6 { get; } = Of("fd00:201::1");
    public static ScenarioHost Server6 { get; } = Of("fd00:201::2");
    public static ScenarioHost Router6 { get; } = Of("fd00:201::fe");

    /// <summary>Any other address (harness tests that need one outside the fixed hosts).</summary>
    public static ScenarioHost Of(string address) => new(IPAddress.Parse(address));

    /// <inheritdoc cref="Of(string)"/>
    public static ScenarioHost Of(IPAddress address) => new(address);

    private ScenarioHost(IPAddress address)
    {
        Address = address;
        Bytes = Address.GetAddressBytes();
        IsIpv6 = Bytes.Length == 16;
    }

    public IPAddress Address { get; }

    public bool IsIpv6 { get; }

    /// <summary>Network-order address bytes (4 or 16).</summary>
    public byte[] Bytes { get; }

    /// <summary>The IPv4 address in host order, as <see cref="Capture.PacketBuilder"/> takes it.</summary>
    public uint V4 => IsIpv6 ? throw new InvalidOperationException("an IPv6 host has no IPv4 address") : (uint)IPAddress.NetworkToHostOrder(BitConverter.ToInt32(Bytes));
}
