using Conntrack.Flows;
using Conntrack.Table;

namespace Conntrack.Host.Netlink;

/// <summary>
/// A copy of a namespace's table kept from events, keyed by original tuple (its zone included), made right
/// again by <see cref="Resync"/> after an overrun. UPDATE events carry only what changed (no counters, no use,
/// protocol info and mark only on change), so an update keeps the previous values of what it omits.
/// The monitor and <c>ctnet top</c> read it. Not thread-safe.
/// </summary>
public sealed class TableMirror
{
    private const EntryAttributes ProtocolInfo = EntryAttributes.Tcp | EntryAttributes.Sctp | EntryAttributes.Dccp;
    private readonly Dictionary<FlowTuple, KernelEntry> _entries = [];

    public int Count => _entries.Count;
    public IEnumerable<KernelEntry> Entries => _entries.Values;
    public long Applied { get; private set; }
    public long Resyncs { get; private set; }

    public bool TryGet(in FlowTuple original, out KernelEntry entry) => _entries.TryGetValue(original, out entry);

    public void Apply(ConntrackEventType type, in KernelEntry entry)
    {
        Applied++;
        if (type == ConntrackEventType.Destroy)
        {
            _entries.Remove(entry.Original);
            return;
        }
        var fresh = entry;
        if (_entries.TryGetValue(entry.Original, out var previous))
            KeepOmitted(ref fresh, previous);
        _entries[entry.Original] = fresh;
    }

    /// <summary>Replaces the contents with a dump of the table (entries created or destroyed during the dump may need the events that follow).</summary>
    public DumpResult Resync(ConntrackClient client, DumpRequest? request = null)
    {
        // Refilled in place: a second dictionary the size of the table would double the mirror's memory during
        // every resync, and each one would leave another large-object-heap array behind for the GC.
        _entries.Clear();
        var entries = _entries;
        var result = client.Dump(request ?? DumpRequest.All, (in KernelEntry e) => entries[e.Original] = e);
        Resyncs++;
        return result;
    }

    /// <summary>
    /// One step of following a namespace: the events <paramref name="reader"/> has (waiting up to
    /// <paramref name="timeoutMs"/>) are applied, and when the kernel dropped some, the mirror is resynchronised
    /// by a dump on <paramref name="client"/>. Events queued before the dump and read after it only repeat what the dump showed.
    /// </summary>
    public EventReadResult Follow(ConntrackEventReader reader, ConntrackClient client, int timeoutMs)
    {
        var result = reader.Read(Apply, timeoutMs);
        if (result.Overrun)
            Resync(client);
        return result;
    }

    private static void KeepOmitted(ref KernelEntry fresh, in KernelEntry old)
    {
        var kept = EntryAttributes.None;
        if (!fresh.Has(EntryAttributes.CountersOriginal) && old.Has(EntryAttributes.CountersOriginal))
        {
            (fresh.PacketsOriginal, fresh.BytesOriginal) = (old.PacketsOriginal, old.BytesOriginal);
            kept |= EntryAttributes.CountersOriginal;
        }
        if (!fresh.Has(EntryAttributes.CountersReply) && old.Has(EntryAttributes.CountersReply))
        {
            (fresh.PacketsReply, fresh.BytesReply) = (old.PacketsReply, old.BytesReply);
            kept |= EntryAttributes.CountersReply;
        }
        if ((fresh.Present & ProtocolInfo) == 0 && (old.Present & ProtocolInfo) != 0)
        {
            fresh.ProtocolState = old.ProtocolState;
            (fresh.TcpFlagsOriginal, fresh.TcpFlagsReply) = (old.TcpFlagsOriginal, old.TcpFlagsReply);
            (fresh.TcpWindowScaleOriginal, fresh.TcpWindowScaleReply) = (old.TcpWindowScaleOriginal, old.TcpWindowScaleReply);
            (fresh.SctpVtagOriginal, fresh.SctpVtagReply) = (old.SctpVtagOriginal, old.SctpVtagReply);
            kept |= old.Present & (ProtocolInfo | EntryAttributes.TcpDetails);
        }
        kept |= Keep(ref fresh, old, EntryAttributes.Mark) | Keep(ref fresh, old, EntryAttributes.Use) |
            Keep(ref fresh, old, EntryAttributes.TimestampStart) | Keep(ref fresh, old, EntryAttributes.Helper) |
            Keep(ref fresh, old, EntryAttributes.Labels) | Keep(ref fresh, old, EntryAttributes.SecContext);
        fresh.Present |= kept;
    }

    private static EntryAttributes Keep(ref KernelEntry fresh, in KernelEntry old, EntryAttributes bit)
    {
        if (fresh.Has(bit) || !old.Has(bit))
            return EntryAttributes.None;
        switch (bit)
        {
            case EntryAttributes.Mark: fresh.Mark = old.Mark; break;
            case EntryAttributes.Use: fresh.Use = old.Use; break;
            case EntryAttributes.TimestampStart: fresh.Start = old.Start; break;
            case EntryAttributes.Helper: fresh.Helper = old.Helper; break;
            case EntryAttributes.Labels: fresh.Labels = old.Labels; break;
            default: fresh.SecContext = old.SecContext; break;
        }
        return bit;
    }
}
