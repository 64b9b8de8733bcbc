using System.Buffers.Binary;
using Conntrack.Flows;

namespace Conntrack.Host.Netlink;

/// <summary>Receives each entry of a dump; the value is reused for the next entry (copy it to keep it).</summary>
public delegate void EntryHandler(in KernelEntry entry);

/// <summary>Chooses entries (for <see cref="ConntrackClient.DeleteWhere"/>).</summary>
public delegate bool EntryPredicate(in KernelEntry entry);

/// <summary>
/// A ctnetlink request socket in one network namespace: table dumps, counts and per-CPU statistics, get and
/// delete by tuple or id. Dumps stream through one reusable receive buffer, so memory does not grow with the
/// table, and decode into one reused <see cref="KernelEntry"/>. Not thread-safe: one request at a time.
/// Kernel refusals are <see cref="NetlinkException"/>s with a one-line message.
/// </summary>
public sealed class ConntrackClient : IDisposable
{
    /// <summary>The kernel sizes dump datagrams up to 32 KiB (netlink_dump); twice that leaves room.</summary>
    public const int ReceiveBufferBytes = 64 * 1024;

    private readonly NetlinkSocket _socket;
    private readonly NetnsTarget? _netns;
    private readonly byte[] _receive = new byte[ReceiveBufferBytes];
    private readonly byte[] _request = new byte[1024];
    private readonly EntryDecoder _decoder = new();
    private NetlinkSocket? _deleteSocket;
    private uint _sequence;

    private ConntrackClient(NetlinkSocket socket, NetnsTarget? netns)
    {
        _socket = socket;
        _netns = netns;
        _sequence = (uint)Environment.TickCount;
    }

    /// <summary>A client in <paramref name="netns"/>, or in the calling thread's namespace when null.</summary>
    public static ConntrackClient Open(NetnsTarget? netns = null) => new(CreateSocket(netns, 0), netns);

    internal static NetlinkSocket CreateSocket(NetnsTarget? netns, uint groups) =>
        netns is null ? NetlinkSocket.Create(groups) : netns.Enter(() => NetlinkSocket.Create(groups));

    /// <summary>"netns NAME", "pid N", a path, or "this namespace".</summary>
    public string Namespace => _netns?.Description ?? "this namespace";

    /// <summary>Streams the table (or the part the request selects) to <paramref name="handler"/>.</summary>
    public DumpResult Dump(DumpRequest request, EntryHandler handler)
    {
        for (int attempt = 0; ; attempt++)
        {
            var result = DumpOnce(request, handler) with { Restarts = attempt };
            if (!result.Interrupted || request.OnInterrupted == DumpInterruptPolicy.Report || attempt >= request.MaxRestarts)
                return result;
        }
    }

    private DumpResult DumpOnce(DumpRequest request, EntryHandler handler)
    {
        ushort type = request.Dying ? Ctnl.MsgGetDying : request.ZeroCounters ? Ctnl.MsgGetZero : Ctnl.MsgGet;
        var w = Begin(type, Ctnl.FlagDump, request.RequestFamily);
        request.Write(ref w);
        long entries = 0, skipped = 0, malformed = 0;
        string? problem = null;
        bool interrupted = false;
        var entry = new KernelEntry();
        Exchange(w.Message, "dump", (in NetlinkMessage m) =>
        {
            interrupted |= m.Interrupted;
            if (m.Type != Ctnl.MsgNew)
                return;
            if (!_decoder.TryDecode(m.Payload, ref entry, out string? why))
            {
                malformed++;
                problem ??= why;
            }
            else if (request.Matches(entry))
            {
                entries++;
                handler(entry);
            }
            else
            {
                skipped++;
            }
        });
        return new DumpResult(entries, skipped, malformed, problem, 0, interrupted);
    }

    /// <summary>IPCTNL_MSG_CT_GET_STATS: the entries of this namespace and the global maximum.</summary>
    public TableCount Count()
    {
        var w = Begin(Ctnl.MsgStats, Ctnl.FlagAck, IpFamily.None);
        uint entries = 0;
        uint? max = null;
        Exchange(w.Message, "count", (in NetlinkMessage m) =>
        {
            if (m.Type != Ctnl.MsgStats || m.Payload.Length < Ctnl.NfGenLength)
                return;
            var reader = new AttributeReader(m.Payload[Ctnl.NfGenLength..]);
            while (reader.Next(out ushort attribute, out var value))
            {
                if (value.Length < 4)
                    continue;
                if (attribute == Ctnl.StatsGlobalEntries)
                    entries = BinaryPrimitives.ReadUInt32BigEndian(value);
                else if (attribute == Ctnl.StatsGlobalMax)
                    max = BinaryPrimitives.ReadUInt32BigEndian(value);
            }
        });
        return new TableCount(entries, max);
    }

    /// <summary>IPCTNL_MSG_CT_GET_STATS_CPU: one row per possible CPU, as <c>conntrack -S</c> shows them.</summary>
    public IReadOnlyList<CpuStatistics> CpuStatistics()
    {
        var w = Begin(Ctnl.MsgStatsCpu, Ctnl.FlagDump, IpFamily.None);
        var rows = new List<CpuStatistics>();
        Exchange(w.Message, "statistics", (in NetlinkMessage m) =>
        {
            if (m.Type == Ctnl.MsgStatsCpu && Netlink.CpuStatistics.Decode(m.Payload) is { } row)
                rows.Add(row);
        });
        return rows;
    }

    /// <summary>The entry with this original tuple (its zone is the lookup zone); false when there is none.</summary>
    public bool TryGet(in FlowTuple original, out KernelEntry entry)
    {
        var w = Begin(Ctnl.MsgGet, Ctnl.FlagAck, original.Family);
        w.Tuple(Ctnl.TupleOrig, original, null);
        if (original.Zone != 0)
            w.U16(Ctnl.Zone, original.Zone);
        var found = new KernelEntry();
        bool any = false;
        bool exists = Exchange(w.Message, "get", (in NetlinkMessage m) =>
        {
            if (m.Type == Ctnl.MsgNew && !any)
                any = _decoder.TryDecode(m.Payload, ref found, out _);
        }, missingIsFalse: true);
        entry = found;
        return exists && any;
    }

    /// <summary>Deletes this entry (by its original tuple, zone and id, so a newer entry with the same tuple survives); false when it is gone.</summary>
    public bool Delete(in KernelEntry entry) => Delete(_socket, entry);

    /// <summary>Deletes the entry with this original tuple (and id, when given); false when there is none.</summary>
    public bool Delete(in FlowTuple original, uint? id = null)
    {
        var entry = new KernelEntry { Family = original.Family, Original = original, Zone = original.Zone, Id = id ?? 0 };
        entry.Present = EntryAttributes.OriginalTuple | (original.Zone != 0 ? EntryAttributes.Zone : 0) | (id is null ? 0 : EntryAttributes.Id);
        return Delete(_socket, entry);
    }

    /// <summary>
    /// Dumps <paramref name="request"/>, and deletes every entry <paramref name="predicate"/> accepts, each with its own
    /// request on a second socket while the dump streams (as <c>conntrack -D</c> does). <paramref name="deleted"/>
    /// sees each entry that was deleted; entries already gone are not counted.
    /// </summary>
    public DeleteResult DeleteWhere(DumpRequest request, EntryPredicate predicate, EntryHandler? deleted = null)
    {
        _deleteSocket ??= CreateSocket(_netns, 0);
        var socket = _deleteSocket;
        long removed = 0, gone = 0;
        var dump = Dump(request, (in KernelEntry e) =>
        {
            if (!predicate(e))
                return;
            if (Delete(socket, e))
            {
                removed++;
                deleted?.Invoke(e);
            }
            else
            {
                gone++;
            }
        });
        return new DeleteResult(dump, removed, gone);
    }

    private bool Delete(NetlinkSocket socket, in KernelEntry e)
    {
        var w = Begin(Ctnl.MsgDelete, Ctnl.FlagAck, e.Family);
        w.Tuple(Ctnl.TupleOrig, e.Original, e.Has(EntryAttributes.OriginalZone) ? e.Original.Zone : null);
        if (e.Has(EntryAttributes.Zone))
            w.U16(Ctnl.Zone, e.Zone);
        if (e.Has(EntryAttributes.Id))
            w.U32(Ctnl.Id, e.Id);
        return Exchange(socket, w.Message, "delete", static (in NetlinkMessage _) => { }, missingIsFalse: true);
    }

    private RequestWriter Begin(ushort type, ushort flags, IpFamily family) =>
        new(_request, type, flags, ++_sequence, family);

    private delegate void MessageVisitor(in NetlinkMessage message);

    private bool Exchange(ReadOnlySpan<byte> request, string operation, MessageVisitor visit, bool missingIsFalse = false) =>
        Exchange(_socket, request, operation, visit, missingIsFalse);

    /// <summary>
    /// Sends a request and hands its replies to <paramref name="visit"/> until NLMSG_DONE or the acknowledgement.
    /// Replies to other sequence numbers (left from an earlier request) are skipped. If the visitor throws,
    /// the rest of the reply is drained first so the socket stays usable.
    /// </summary>
    private bool Exchange(NetlinkSocket socket, ReadOnlySpan<byte> request, string operation, MessageVisitor visit, bool missingIsFalse)
    {
        uint sequence = BinaryPrimitives.ReadUInt32LittleEndian(request[8..]);
        socket.Send(request, operation);
        Exception? failure = null;
        int errno = 0;
        bool done = false;
        while (!done)
        {
            int length = socket.Receive(_receive, -1, operation);
            if (length < 0)
                throw new NetlinkException($"ctnetlink {operation}: the receive queue overflowed", -length);
            var reader = new NetlinkMessageReader(_receive.AsSpan(0, length));
            while (!done && reader.Next(out var m))
            {
                if (m.Sequence != sequence)
                    continue;
                if (m.IsDone || m.IsError)
                {
                    done = true;
                    errno = m.IsError ? m.ErrorNumber : (m.Payload.Length >= 4 ? m.ErrorNumber : 0);
                    continue;
                }
                if (failure is not null)
                    continue;
                try
                {
                    visit(m);
                }
#pragma warning disable CA1031 // Rethrown once the reply is drained.
                catch (Exception e)
#pragma warning restore CA1031
                {
                    failure = e;
                }
            }
            if (reader.Malformed && !done && length < Ctnl.HeaderLength)
                throw new NetlinkException($"ctnetlink {operation}: a {length}-byte datagram is not a netlink message", NetlinkException.EINVAL);
        }
        if (failure is not null)
            System.Runtime.ExceptionServices.ExceptionDispatchInfo.Throw(failure);
        if (errno == NetlinkException.ENOENT && missingIsFalse)
            return false;
        if (errno != 0)
            throw NetlinkException.For(operation, errno);
        return true;
    }

    public void Dispose()
    {
        _socket.Dispose();
        _deleteSocket?.Dispose();
    }
}

/// <summary>The dump that chose the entries, how many were deleted, and how many were already gone.</summary>
public readonly record struct DeleteResult(DumpResult Dump, long Deleted, long AlreadyGone);
