using Conntrack.Flows;
using Conntrack.Protocols;
using Conntrack.Table;

namespace Conntrack.Host.Listing;

/// <summary>
/// The conntrack(8) filter vocabulary as values: every field left null matches everything. The kernel
/// is asked for what it can filter (family, mark/mask, status, zone); <see cref="EntryMatcher"/> checks
/// all of it again in user space, because older kernels ignore filters they do not know.
/// </summary>
public sealed record EntryFilter
{
    public IpFamily? Family { get; init; }
    public byte? Protocol { get; init; }
    public AddressPrefix? OriginalSource { get; init; }
    public AddressPrefix? OriginalDestination { get; init; }
    public AddressPrefix? ReplySource { get; init; }
    public AddressPrefix? ReplyDestination { get; init; }
    public ushort? OriginalSourcePort { get; init; }
    public ushort? OriginalDestinationPort { get; init; }
    public ushort? ReplySourcePort { get; init; }
    public ushort? ReplyDestinationPort { get; init; }

    /// <summary>TCP, SCTP or DCCP state (conntrack requires <c>-p</c> with <c>--state</c>).</summary>
    public StateId? State { get; init; }
    public uint? Mark { get; init; }

    /// <summary>Bits of the mark compared; all of them when only <see cref="Mark"/> is given.</summary>
    public uint MarkMask { get; init; } = uint.MaxValue;

    /// <summary>Status bits that must equal <see cref="StatusValue"/> (UNREPLIED is SEEN_REPLY in the mask, clear in the value).</summary>
    public EntryStatus StatusMask { get; init; }
    public EntryStatus StatusValue { get; init; }

    /// <summary>The entry's zone (<c>-w</c>; 0 when the kernel sent none).</summary>
    public ushort? Zone { get; init; }

    /// <summary>A zone of the original or reply direction only (<c>--orig-zone</c>, <c>--reply-zone</c>): the zone the tuple carries, 0 when it carries none (as conntrack).</summary>
    public ushort? OriginalZone { get; init; }
    public ushort? ReplyZone { get; init; }

    public static EntryFilter All { get; } = new();

    /// <summary>True when no field restricts anything (a delete with this filter would remove every entry).</summary>
    public bool IsEmpty => this == All;

    /// <summary>The family every address filter implies (conntrack: <c>-s 1.2.3.4/0</c> still selects IPv4 only).</summary>
    public IpFamily? ImpliedFamily =>
        Family ?? (OriginalSource ?? OriginalDestination ?? ReplySource ?? ReplyDestination)?.Family;
}
