using System.Globalization;
using Conntrack.KernelParity.Tests.Environment;
using Conntrack.KernelParity.Tests.Kernel;

namespace Conntrack.KernelParity.Tests.Fill;

/// <summary>The filler against the real kernel: the count it reaches and what <c>conntrack -L</c> shows for every group.</summary>
[Collection(KernelParityCollection.Name)]
public sealed class FilledNamespaceTests(ITestOutputHelper output)
{
    private const int PerGroup = 300;

    [KernelFact]
    public void A_mixed_fill_holds_every_kind_treatment_and_family_it_was_asked_for()
    {
        var spec = new FillSpec { Accounting = true, Timestamps = true };
        foreach (var kind in Enum.GetValues<FillKind>())
        {
            spec.Add(kind, PerGroup);
            spec.Add(kind, PerGroup, ipv6: true);
        }
        spec.Add(FillKind.TcpEstablished, PerGroup, treatment: FillTreatment.Zone | FillTreatment.Mark)
            .Add(FillKind.TcpEstablished, PerGroup, treatment: FillTreatment.Masquerade)
            .Add(FillKind.UdpUnreplied, PerGroup, treatment: FillTreatment.Masquerade | FillTreatment.Mark)
            .Add(FillKind.UdpAssured, PerGroup, ipv6: true, treatment: FillTreatment.Dnat)
            .Add(FillKind.SctpEstablished, PerGroup, treatment: FillTreatment.Dnat | FillTreatment.Zone)
            .Add(FillKind.Gre, PerGroup, treatment: FillTreatment.Dnat)
            .Add(FillKind.IcmpEcho, PerGroup, ipv6: true, treatment: FillTreatment.Masquerade)
            .Add(FillKind.TcpTimeWait, PerGroup, ipv6: true, treatment: FillTreatment.Masquerade | FillTreatment.Dnat | FillTreatment.Zone);

        using var filled = FilledNamespace.Create(spec);
        // TCP CLOSE lasts 10 s: read before anything can expire.
        long count = filled.Count;
        var listing = filled.Exec("conntrack", "-L", "-o", "extended,ktimestamp");
        Assert.True(listing.Ok, listing.ToString());
        var entries = listing.Stdout.Split('\n', StringSplitOptions.RemoveEmptyEntries).Select(ListedEntry.Parse).ToList();
        output.WriteLine($"{filled.Name}: count {count}, {entries.Count} listed; first: {entries[0].Line}");

        Assert.Equal(spec.Entries, count);
        Assert.Equal(spec.Entries, entries.Count);
        var bySlot = entries.ToLookup(e => FillExpectation.SlotOf(e.OriginalDestination));
        for (int slot = 0; slot < spec.Groups.Count; slot++)
        {
            var group = spec.Groups[slot];
            var expected = FillExpectation.Of(group, slot, spec);
            var listed = bySlot[slot].ToList();
            Assert.True(listed.Count == group.Count, $"{group}: {listed.Count} entries listed");
            var wrong = listed.Where(e => expected.Mismatch(e) is not null).Select(e => $"{expected.Mismatch(e)}: {e.Line}").FirstOrDefault();
            Assert.True(wrong is null, $"{group}: {wrong}");
        }
    }

    [KernelFact]
    public void Dispose_removes_the_namespaces()
    {
        string name;
        using (var filled = FilledNamespace.Create(new FillSpec().Add(FillKind.UdpUnreplied, 10)))
        {
            name = filled.Name;
            Assert.Equal(10, filled.Count);
        }
        Assert.DoesNotContain(name, Shell.Check("ip", "netns", "list").Stdout, StringComparison.Ordinal);
    }

    [Fact]
    public void A_group_the_kernel_cannot_tell_apart_is_refused_with_one_line()
    {
        var e = Assert.Throws<ArgumentException>(() => new FillSpec().Add(FillKind.Gre, 5, treatment: FillTreatment.Masquerade));
        Assert.Equal("fill group Gre × 5: GRE version 0 has no ports or keys to tell masqueraded entries apart", e.Message);
        e = Assert.Throws<ArgumentException>(() => new FillSpec().Add(FillKind.UdpUnreplied, 64_001, treatment: FillTreatment.Masquerade));
        Assert.Equal(string.Create(CultureInfo.InvariantCulture, $"fill group UdpUnreplied × 64001: a masqueraded group holds at most 64000 entries (unique ports)"), e.Message);
    }
}
