namespace Conntrack.Settings;

/// <summary>One <c>net.netfilter.nf_conntrack_*</c> setting: its kernel name, default and accepted range.</summary>
public sealed record SysctlDescriptor(string Name, long Default, long Min, long Max, string Description)
{
    /// <summary>The name without the <c>nf_conntrack_</c> prefix, accepted as a short form.</summary>
    public string ShortName => Name.StartsWith("nf_conntrack_", StringComparison.Ordinal) ? Name["nf_conntrack_".Length..] : Name;
}
