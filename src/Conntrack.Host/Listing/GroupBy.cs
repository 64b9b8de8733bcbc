namespace Conntrack.Host.Listing;

/// <summary>What <c>ctnet count --by</c> groups entries by (combinable: <c>--by state,proto</c>).</summary>
[Flags]
public enum GroupBy
{
    None = 0,
    State = 1,
    Proto = 2,

    /// <summary>The original source address (who opened the flows).</summary>
    Src = 4,

    /// <summary>The original destination address.</summary>
    Dst = 8,

    /// <summary>The original destination port (0 for protocols without ports).</summary>
    Dport = 16,
    Zone = 32,
    Mark = 64,
}
