using Conntrack.Flows;
using Conntrack.Table;

namespace Conntrack.Host.Netlink;

/// <summary>What to do when a dump reply carries NLM_F_DUMP_INTR (the table changed in a way the dump could not follow).</summary>
public enum DumpInterruptPolicy
{
    /// <summary>Finish and say so in <see cref="DumpResult.Interrupted"/>.</summary>
    Report,

    /// <summary>Dump again (the handler then sees the entries of every attempt: use it with idempotent handlers).</summary>
    Restart,
}

/// <summary>
/// A table dump and its filters. Every filter is sent to the kernel (family, CTA_MARK/CTA_MARK_MASK,
/// CTA_STATUS/CTA_STATUS_MASK, CTA_ZONE, CTA_FILTER with tuple values) and applied again to each entry
/// received (<see cref="Matches"/>), so the result is the same on kernels that ignore some of them.
/// </summary>
public sealed class DumpRequest
{
    public static DumpRequest All { get; } = new();

    /// <summary><see cref="IpFamily.None"/>: both.</summary>
    public IpFamily Family { get; init; }
    public uint? Mark { get; init; }

    /// <summary>With <see cref="Mark"/>: entries whose mark &amp; mask equals the mark (default all bits).</summary>
    public uint MarkMask { get; init; } = uint.MaxValue;
    public EntryStatus? Status { get; init; }

    /// <summary>With <see cref="Status"/>: entries whose status &amp; mask equals the status (default: the status bits).</summary>
    public EntryStatus? StatusMask { get; init; }

    /// <summary>Entries in this zone (in either direction).</summary>
    public ushort? Zone { get; init; }
    public TupleFilter? Original { get; init; }
    public TupleFilter? Reply { get; init; }

    /// <summary>IPCTNL_MSG_CT_GET_CTRZERO: read and zero the counters.</summary>
    public bool ZeroCounters { get; init; }

    /// <summary>The dying list (entries whose DESTROY event is still undelivered) instead of the table.</summary>
    public bool Dying { get; init; }
    public DumpInterruptPolicy OnInterrupted { get; init; }

    /// <summary>With <see cref="DumpInterruptPolicy.Restart"/>: attempts after the first before reporting.</summary>
    public int MaxRestarts { get; init; } = 3;

    public bool Matches(in KernelEntry e)
    {
        if (Family != IpFamily.None && e.Family != Family)
            return false;
        if (Mark is uint mark && (e.Mark & MarkMask) != mark)
            return false;
        if (Status is EntryStatus status && (e.Status & (StatusMask ?? status)) != status)
            return false;
        if (Zone is ushort zone && e.ZoneId != zone)
            return false;
        return (Original is null || Original.Matches(e.Original)) && (Reply is null || Reply.Matches(e.Reply));
    }

    /// <summary>The nfgen family to send: CTA_FILTER needs AF_INET or AF_INET6, taken from its tuple when no family was given.</summary>
    internal IpFamily RequestFamily =>
        Family != IpFamily.None ? Family : (Original?.Values.Family ?? Reply?.Values.Family ?? IpFamily.None);

    internal void Write(ref RequestWriter w)
    {
        if (Mark is uint mark)
        {
            w.U32(Ctnl.Mark, mark);
            w.U32(Ctnl.MarkMask, MarkMask);
        }
        if (Status is EntryStatus status)
        {
            w.U32(Ctnl.Status, (uint)status);
            w.U32(Ctnl.StatusMask, (uint)(StatusMask ?? status));
        }
        if (Zone is ushort zone)
            w.U16(Ctnl.Zone, zone);
        if (Original is null && Reply is null)
            return;
        if (Original is not null)
            w.Tuple(Ctnl.TupleOrig, Original.Values, (Original.Fields & TupleFields.Zone) != 0 ? Original.Values.Zone : null);
        if (Reply is not null)
            w.Tuple(Ctnl.TupleReply, Reply.Values, (Reply.Fields & TupleFields.Zone) != 0 ? Reply.Values.Zone : null);
        int nest = w.Begin(Ctnl.Filter);
        w.HostU32(Ctnl.FilterOrigFlags, (uint)(Original?.Fields ?? 0));
        w.HostU32(Ctnl.FilterReplyFlags, (uint)(Reply?.Fields ?? 0));
        w.End(nest);
    }
}

/// <summary>How a dump went: entries handed to the handler, messages that did not decode, restarts, NLM_F_DUMP_INTR.</summary>
public readonly record struct DumpResult(long Entries, long Skipped, long Malformed, string? FirstProblem, int Restarts, bool Interrupted);
