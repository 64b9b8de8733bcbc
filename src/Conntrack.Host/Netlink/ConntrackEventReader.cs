using Conntrack.Table;

namespace Conntrack.Host.Netlink;

/// <summary>The ctnetlink multicast groups (bind bits NFNLGRP_CONNTRACK_NEW/UPDATE/DESTROY).</summary>
[Flags]
public enum EventGroups : uint
{
    None = 0,
    New = 1,
    Update = 2,
    Destroy = 4,
    All = New | Update | Destroy,
}

/// <summary>Receives one event; the entry value is reused for the next event.</summary>
public delegate void ConntrackEventHandler(ConntrackEventType type, in KernelEntry entry);

/// <summary>What one <see cref="ConntrackEventReader.Read"/> delivered, and whether the kernel dropped events meanwhile.</summary>
public readonly record struct EventReadResult(int Events, bool Overrun, int Malformed);

/// <summary>
/// A subscription to conntrack events of one namespace. The receive queue is sized with SO_RCVBUFFORCE
/// (root) or SO_RCVBUF; when it overflows the kernel drops events and the next receive fails with ENOBUFS:
/// that is counted in <see cref="Overruns"/>, the dropped messages in <see cref="LostEvents"/>, and
/// <see cref="EventReadResult.Overrun"/> tells the caller its mirror must be resynchronised
/// (<see cref="TableMirror.Resync"/>). Not thread-safe.
/// </summary>
public sealed class ConntrackEventReader : IDisposable
{
    /// <summary>32 MiB asked (the kernel reports 64 MiB): about 100,000 queued events, a third of a second at 300,000/s.</summary>
    public const int DefaultBufferBytes = 32 << 20;

    private const int MaxDatagramsPerRead = 4096;
    private readonly NetlinkSocket _socket;
    private readonly byte[] _receive = new byte[ConntrackClient.ReceiveBufferBytes];
    private readonly EntryDecoder _decoder = new();
    private KernelEntry _entry;

    private ConntrackEventReader(NetlinkSocket socket, int bufferBytes)
    {
        _socket = socket;
        BufferBytes = socket.SetReceiveBuffer(bufferBytes);
    }

    /// <summary>Subscribes to <paramref name="groups"/> in <paramref name="netns"/> (null: the calling thread's namespace).</summary>
    public static ConntrackEventReader Open(EventGroups groups = EventGroups.All, int bufferBytes = DefaultBufferBytes, NetnsTarget? netns = null)
    {
        if (groups == EventGroups.None || (groups & ~EventGroups.All) != 0)
            throw new ArgumentOutOfRangeException(nameof(groups), groups, "expected New, Update and/or Destroy");
        if (bufferBytes <= 0)
            throw new ArgumentOutOfRangeException(nameof(bufferBytes), bufferBytes, "a positive size in bytes");
        return new ConntrackEventReader(ConntrackClient.CreateSocket(netns, (uint)groups), bufferBytes);
    }

    /// <summary>The receive queue size the kernel reports (it doubles what was asked).</summary>
    public int BufferBytes { get; }
    public long Events { get; private set; }

    /// <summary>How many times a receive failed with ENOBUFS.</summary>
    public long Overruns { get; private set; }

    /// <summary>Event messages the kernel dropped for this socket (SO_MEMINFO drops).</summary>
    public long LostEvents => _socket.Drops;

    /// <summary>
    /// Waits up to <paramref name="timeoutMs"/> (−1: forever) for events, then delivers everything already queued
    /// (at most 4096 datagrams) to <paramref name="handler"/>.
    /// </summary>
    public EventReadResult Read(ConntrackEventHandler handler, int timeoutMs)
    {
        int events = 0, malformed = 0;
        bool overrun = false;
        for (int i = 0; i < MaxDatagramsPerRead; i++)
        {
            int length = _socket.Receive(_receive, i == 0 ? timeoutMs : 0, "events");
            if (length == 0)
                break;
            if (length < 0)
            {
                overrun = true;
                Overruns++;
                continue;
            }
            var reader = new NetlinkMessageReader(_receive.AsSpan(0, length));
            while (reader.Next(out var m))
            {
                if (m.Type is not (Ctnl.MsgNew or Ctnl.MsgDelete))
                    continue;
                if (!_decoder.TryDecode(m.Payload, ref _entry, out _))
                {
                    malformed++;
                    continue;
                }
                events++;
                handler(TypeOf(m), _entry);
            }
            if (reader.Malformed)
                malformed++;
        }
        Events += events;
        return new EventReadResult(events, overrun, malformed);
    }

    /// <summary>DESTROY is its own message type; NEW and UPDATE share CT_NEW and differ by NLM_F_CREATE|NLM_F_EXCL.</summary>
    private static ConntrackEventType TypeOf(in NetlinkMessage m) =>
        m.Type == Ctnl.MsgDelete ? ConntrackEventType.Destroy
        : (m.Flags & (Ctnl.FlagCreate | Ctnl.FlagExcl)) != 0 ? ConntrackEventType.New
        : ConntrackEventType.Update;

    public void Dispose() => _socket.Dispose();
}
