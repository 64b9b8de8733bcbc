using Conntrack.Flows;
using Conntrack.Host.Listing;

namespace Conntrack.Host.Tests;

/// <summary>The prefixes of -s/-d/-r/-q: the bits named are compared, the rest ignored, the family always checked by the caller.</summary>
public class AddressPrefixTests
{
    [Theory]
    [InlineData("1.2.3.4/30", "1.2.3.7", true)]
    [InlineData("1.2.3.4/30", "1.2.3.8", false)]
    [InlineData("1.2.3.4/31", "1.2.3.5", true)]
    [InlineData("1.2.3.4", "1.2.3.5", false)]
    [InlineData("1.2.3.4/0", "200.1.1.1", true)]
    [InlineData("fd00::/16", "fd00:1234::1", true)]
    [InlineData("fd00::/16", "fd01::1", false)]
    [InlineData("fd00::1:0/112", "fd00::1:ffff", true)]
    [InlineData("fd00::1:0/112", "fd00::2:0", false)]
    [InlineData("2001:db8::/64", "2001:db8::ffff:1", true)]
    [InlineData("2001:db8::8000:0:0:0/65", "2001:db8::7fff:0:0:0", false)]
    [InlineData("fd00::2", "fd00::2", true)]
    [InlineData("::/0", "2001:db8::1", true)]
    public void Contains_compares_the_prefix_bits(string prefix, string address, bool contained)
    {
        Assert.True(AddressPrefix.TryParse(prefix, out var p));
        Assert.True(AddressPrefix.TryParse(address, out var a));
        Assert.Equal(contained, p.Contains(a.Address.Hi, a.Address.Lo));
        Assert.Equal(address.Contains(':', StringComparison.Ordinal) ? IpFamily.V6 : IpFamily.V4, a.Family);
    }

    [Theory]
    [InlineData("1.2.3.4/33")]
    [InlineData("fd00::/129")]
    [InlineData("1.2.3.4/")]
    [InlineData("1.2.3.4/-1")]
    [InlineData("1.2.3")]
    [InlineData("host.example")]
    [InlineData("")]
    public void Anything_else_is_refused(string text) => Assert.False(AddressPrefix.TryParse(text, out _));
}
