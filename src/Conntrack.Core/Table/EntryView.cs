using Conntrack.Flows;
using Conntrack.Protocols;

namespace Conntrack.Table;

/// <summary>A read-only snapshot of one entry, for events, dumps and reports.</summary>
public readonly struct EntryView
{
    /// <summary>The view of slot <paramref name="slot"/> at <paramref name="now"/>, ticks counted from <paramref name="epoch"/>.</summary>
    internal static EntryView Of(Entry[] entries, EntryCounters[]? counters, int slot, long epoch, long now, uint nowTick)
    {
        ref var entry = ref entries[slot];
        long expiresAt = now + entry.RemainingNanos(nowTick);
        long createdAt = epoch + (entry.CreatedUnits * Entry.CreatedUnitNanos);
        return new EntryView(entry, slot, expiresAt, createdAt, counters is null ? default : counters[slot], counters is not null);
    }

    internal EntryView(in Entry entry, int slot, long expiresAt, long createdAt, in EntryCounters counters, bool hasCounters)
    {
        Slot = slot;
        Original = entry.Original;
        Reply = entry.Original.TryInvert(out var reply) ? reply : default;
        Status = entry.Status;
        ExpiresAt = expiresAt;
        CreatedAt = createdAt;
        Id = entry.Id;
        ProtocolStateValue = ProtocolDispatch.StateValue(entry);
        Counters = counters;
        HasCounters = hasCounters;
    }

    /// <summary>
    /// The entry's slot in the table, stable for the entry's life and reused after it: lets an
    /// observer keep per-entry data in a flat array instead of a dictionary.
    /// </summary>
    public int Slot { get; }

    public FlowTuple Original { get; }
    public FlowTuple Reply { get; }
    public EntryStatus Status { get; }

    /// <summary>Absolute expiry, capture nanoseconds.</summary>
    public long ExpiresAt { get; }

    /// <summary>Time of the entry's first packet, capture nanoseconds (10 ms resolution).</summary>
    public long CreatedAt { get; }

    /// <summary>Unique id within the table (conntrack's <c>id=</c>).</summary>
    public uint Id { get; }

    /// <summary>The protocol's state number (TCP: <see cref="TcpConnState"/>, SCTP: <see cref="SctpConnState"/>).</summary>
    public byte ProtocolStateValue { get; }

    public EntryCounters Counters { get; }

    /// <summary>True when accounting (<c>nf_conntrack_acct</c>) was on, so <see cref="Counters"/> is meaningful.</summary>
    public bool HasCounters { get; }

    public byte Protocol => Original.Protocol;
    public bool IsAssured => (Status & EntryStatus.Assured) != 0;
    public bool IsUnreplied => (Status & EntryStatus.SeenReply) == 0;

    /// <summary>TCP state, or <see cref="TcpConnState.None"/> for other protocols.</summary>
    public TcpConnState TcpState => Protocol == IpProtocol.Tcp ? (TcpConnState)ProtocolStateValue : TcpConnState.None;

    /// <summary>State name as /proc prints it (TCP and SCTP; null for protocols without one).</summary>
    public string? StateName => Protocol switch
    {
        IpProtocol.Tcp => StateNames.Tcp(TcpState),
        IpProtocol.Sctp => StateNames.Sctp((SctpConnState)ProtocolStateValue),
        _ => null,
    };

    /// <summary>Remaining lifetime in whole seconds at <paramref name="now"/>, as the kernel shows it (floor, never negative).</summary>
    public long RemainingSeconds(long now) => Math.Max(0, (ExpiresAt - now) / 1_000_000_000);
}

/// <summary>Per-direction packet and byte counters (the kernel's ACCT extension).</summary>
public readonly record struct EntryCounters(long OriginalPackets, long OriginalBytes, long ReplyPackets, long ReplyBytes);
