namespace Conntrack.Host.Listing;

/// <summary>conntrack(8)'s <c>-o</c> choices that change a line (combinable, as <c>-o extended,id</c>).</summary>
[Flags]
public enum ConntrackLineFormat
{
    Default = 0,

    /// <summary>The L3 name and number first (<c>ipv4     2 </c>).</summary>
    Extended = 1,

    /// <summary><c>id=N</c> at the end.</summary>
    Id = 2,

    /// <summary>Events: the <c>[seconds.micros]\t</c> prefix.</summary>
    Timestamp = 4,
}
