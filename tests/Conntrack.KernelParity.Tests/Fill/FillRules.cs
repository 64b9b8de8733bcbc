using System.Globalization;
using System.Text;

namespace Conntrack.KernelParity.Tests.Fill;

/// <summary>
/// The nftables rules that treat a group's entries, in a table of the router's own beside the parity table.
/// Each rule picks its group by the group's server network (<see cref="FillAddresses.ServerNetwork"/>).
/// </summary>
internal static class FillRules
{
    /// <summary>
    /// The chains, empty. Zones are set at raw priority, before conntrack looks the packet up, and in both
    /// directions (a reply must be looked up in the zone of its entry); marks in forward, once per entry
    /// is enough; NAT at its usual priorities (B's only way out is b1, so masquerade takes b1's address).
    /// </summary>
    public const string Table =
        """
        table inet fill {
          chain zone_chain { type filter hook prerouting priority raw; }
          chain mark_chain { type filter hook forward priority filter; }
          chain dnat_chain { type nat hook prerouting priority dstnat; }
          chain masquerade_chain { type nat hook postrouting priority srcnat; }
        }
        """;

    /// <summary>The rules for <paramref name="spec"/>'s groups, the first in <paramref name="firstSlot"/>; empty when none is treated.</summary>
    public static string For(FillSpec spec, int firstSlot)
    {
        var rules = new StringBuilder();
        for (int g = 0; g < spec.Groups.Count; g++)
        {
            var group = spec.Groups[g];
            int slot = firstSlot + g;
            string family = group.Ipv6 ? "ip6" : "ip";
            string network = FillAddresses.ServerNetwork(slot, group.Ipv6);
            if (group.Treatment.HasFlag(FillTreatment.Zone))
            {
                Rule(rules, "zone_chain", $"{family} daddr {network} ct zone set {spec.Zone}");
                Rule(rules, "zone_chain", $"{family} saddr {network} ct zone set {spec.Zone}");
            }
            if (group.Treatment.HasFlag(FillTreatment.Mark))
                Rule(rules, "mark_chain", $"{family} daddr {network} ct mark set {spec.Mark}");
            if (group.Treatment.HasFlag(FillTreatment.Dnat))
                Rule(rules, "dnat_chain", $"{family} daddr {FillAddresses.Server(slot, group.Ipv6).Address} dnat {family} to {FillAddresses.DnatTarget(slot, group.Ipv6).Address}");
            if (group.Treatment.HasFlag(FillTreatment.Masquerade))
                Rule(rules, "masquerade_chain", $"{family} daddr {network} masquerade");
        }
        return rules.ToString();
    }

    private static void Rule(StringBuilder rules, string chain, FormattableString rule) =>
        rules.Append(CultureInfo.InvariantCulture, $"add rule inet fill {chain} {rule.ToString(CultureInfo.InvariantCulture)}\n");
}
