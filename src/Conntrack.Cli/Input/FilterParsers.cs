using System.Globalization;
using Conntrack.Flows;
using Conntrack.Host.Listing;
using Conntrack.Protocols;
using Conntrack.Table;

namespace Conntrack.Cli.Input;

/// <summary>The values of conntrack(8)'s filter options, parsed strictly (conntrack reads a bad mark as 0; ctnet refuses it).</summary>
internal static class FilterParsers
{
    private static readonly (string Name, byte Number)[] Protocols =
    [
        ("tcp", IpProtocol.Tcp), ("udp", IpProtocol.Udp), ("udplite", IpProtocol.UdpLite), ("icmp", IpProtocol.Icmp),
        ("icmpv6", IpProtocol.IcmpV6), ("sctp", IpProtocol.Sctp), ("gre", IpProtocol.Gre), ("dccp", IpProtocol.Dccp),
    ];

    /// <summary>The status names conntrack 1.4.7 accepts for <c>-u</c> (case-insensitive), plus UNREPLIED (SEEN_REPLY clear).</summary>
    private static readonly string[] StatusNames = ["EXPECTED", "SEEN_REPLY", "ASSURED", "FIXED_TIMEOUT", "OFFLOAD", "HW_OFFLOAD", Unreplied];
    private const string Unreplied = "UNREPLIED";

    public static AddressPrefix Address(string option, string text) =>
        AddressPrefix.TryParse(text.Trim(), out var prefix) ? prefix
        : throw UsageException.For(option, text, "an IPv4 or IPv6 address, optionally with a prefix length such as 10.0.0.0/8 or fd00::/16");

    /// <summary>A protocol name conntrack knows, or a number from 0 to 255.</summary>
    public static byte Protocol(string option, string text)
    {
        string t = text.Trim().ToLowerInvariant();
        foreach (var (name, number) in Protocols)
        {
            if (t == name)
                return number;
        }
        return byte.TryParse(t, NumberStyles.None, CultureInfo.InvariantCulture, out byte value) ? value
            : throw UsageException.For(option, text, "a protocol: tcp, udp, udplite, icmp, icmpv6, sctp, gre, dccp or a number from 0 to 255");
    }

    public static IpFamily Family(string option, string text) => text.Trim().ToLowerInvariant() switch
    {
        "ipv4" => IpFamily.V4,
        "ipv6" => IpFamily.V6,
        _ => throw UsageException.For(option, text, "ipv4 or ipv6"),
    };

    public static ushort Port(string option, string text) =>
        ushort.TryParse(text.Trim(), NumberStyles.None, CultureInfo.InvariantCulture, out ushort port) ? port
        : throw UsageException.For(option, text, "a port number from 0 to 65535");

    public static ushort Zone(string option, string text) =>
        ushort.TryParse(text.Trim(), NumberStyles.None, CultureInfo.InvariantCulture, out ushort zone) ? zone
        : throw UsageException.For(option, text, "a zone number from 0 to 65535");

    /// <summary>"MARK" or "MARK/MASK", each decimal or 0x hexadecimal, 32 bits.</summary>
    public static (uint Mark, uint Mask) Mark(string option, string text)
    {
        string t = text.Trim();
        int slash = t.IndexOf('/');
        uint mask = uint.MaxValue;
        if (TryUInt32(slash < 0 ? t : t[..slash], out uint mark) && (slash < 0 || TryUInt32(t[(slash + 1)..], out mask)))
            return (mark, mask);
        throw UsageException.For(option, text, "a 32-bit mark, decimal or 0x hexadecimal, optionally /MASK such as 0x10/0xff");
    }

    /// <summary>A comma-separated list of status names: every bit named must be set (UNREPLIED: SEEN_REPLY must be clear).</summary>
    public static (EntryStatus Mask, EntryStatus Value) Status(string option, string text)
    {
        EntryStatus mask = 0, value = 0;
        foreach (string part in text.Split(','))
        {
            string name = part.Trim().ToUpperInvariant();
            if (!StatusNames.Contains(name))
                throw UsageException.For(option, text, "status names separated by commas: " + string.Join(", ", StatusNames));
            var bit = EntryStatusNames.Parse(name == Unreplied ? "SEEN_REPLY" : name);
            mask |= bit;
            value = name == Unreplied ? value & ~bit : value | bit;
        }
        return (mask, value);
    }

    /// <summary>A state of <paramref name="protocol"/> as conntrack prints it (TCP, SCTP or DCCP names), exactly.</summary>
    public static StateId State(string option, string text, byte? protocol)
    {
        var id = StateNames.Parse(text.Trim());
        bool known = protocol switch
        {
            IpProtocol.Tcp => StateNames.TryGetTcp(id, out _) && id != StateId.Listen,
            IpProtocol.Sctp => StateNames.TryGetSctp(id, out _),
            IpProtocol.Dccp => id is >= StateId.DccpRequest and <= StateId.Invalid || id == StateId.None,
            _ => throw new UsageException($"{option} needs -p tcp, sctp or dccp: only those protocols have states"),
        };
        return known ? id : throw UsageException.For(option, text, $"a {IpProtocol.Name(protocol!.Value).ToUpperInvariant()} state such as {(protocol == IpProtocol.Tcp ? "ESTABLISHED or TIME_WAIT" : protocol == IpProtocol.Sctp ? "ESTABLISHED or COOKIE_WAIT" : "OPEN or REQUEST")}");
    }

    private static bool TryUInt32(string text, out uint value) =>
        text.StartsWith("0x", StringComparison.OrdinalIgnoreCase)
            ? uint.TryParse(text.AsSpan(2), NumberStyles.AllowHexSpecifier, CultureInfo.InvariantCulture, out value) && text.Length > 2
            : uint.TryParse(text, NumberStyles.None, CultureInfo.InvariantCulture, out value);
}
