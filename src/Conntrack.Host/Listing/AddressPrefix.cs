using Conntrack.Flows;
using Conntrack.Host.Tables;

namespace Conntrack.Host.Listing;

/// <summary>An address with a prefix length (<c>10.0.0.0/8</c>, <c>fd00::/16</c>), as conntrack's <c>-s/-d/-r/-q</c> take it.</summary>
public readonly record struct AddressPrefix(AddressKey Address, int Length)
{
    public IpFamily Family => Address.IsV6 ? IpFamily.V6 : IpFamily.V4;

    /// <summary>"ADDRESS" or "ADDRESS/LENGTH" (0–32 for IPv4, 0–128 for IPv6); false for anything else.</summary>
    public static bool TryParse(ReadOnlySpan<char> text, out AddressPrefix prefix)
    {
        prefix = default;
        int slash = text.IndexOf('/');
        var addressText = slash < 0 ? text : text[..slash];
        if (!AddressKey.TryParse(addressText, out var address))
            return false;
        int max = address.IsV6 ? 128 : 32;
        int length = max;
        if (slash >= 0 && (!int.TryParse(text[(slash + 1)..], System.Globalization.NumberStyles.None, System.Globalization.CultureInfo.InvariantCulture, out length) || length > max))
            return false;
        prefix = new AddressPrefix(address, length);
        return true;
    }

    /// <summary>True when the address words (the <see cref="FlowTuple"/> layout: IPv4 in the low word) fall inside the prefix.</summary>
    public bool Contains(ulong hi, ulong lo)
    {
        if (!Address.IsV6)
            return Length == 0 || ((uint)lo ^ (uint)Address.Lo) >> (32 - Length) == 0;
        if (Length <= 64)
            return Length == 0 || (hi ^ Address.Hi) >> (64 - Length) == 0;
        return hi == Address.Hi && (Length == 128 ? lo == Address.Lo : (lo ^ Address.Lo) >> (128 - Length) == 0);
    }
}
