using System.Diagnostics;
using System.Globalization;
using Conntrack.KernelParity.Tests.Kernel;

namespace Conntrack.KernelParity.Tests.Fill;

/// <summary>
/// A network namespace whose conntrack table holds what a <see cref="FillSpec"/> asked for, for tests that
/// need a real, full or nearly full kernel table. It is the parity topology's router B (<see cref="ParityTopology"/>:
/// frames replayed from A over a veth, forwarded to the sink C), so entries are made by real packets:
/// the spec's packets are written to one pcap and sent with <c>tcpreplay --topspeed</c>, hundreds of
/// thousands of entries in seconds. nf_conntrack_max is global and is not touched: a namespace holds at most
/// that many entries, and what a spec adds beyond it is dropped by the kernel as on a full host.
/// Disposing deletes the namespaces, and with them the table.
/// </summary>
internal sealed class FilledNamespace : IDisposable
{
    // stream_ts is the entry's creation + 2 s and must be passed (time_after), with a margin for the replay's end.
    private static readonly TimeSpan StreamWait = TimeSpan.FromSeconds(2.2);

    private const int MaxSenders = 4;

    private readonly ParityTopology _topology;
    private readonly string _work = Directory.CreateTempSubdirectory("ctnet-fill-").FullName;
    private int _slots;

    private FilledNamespace(ParityTopology topology) => _topology = topology;

    /// <summary>The namespace holding the table (run a program in it with <see cref="Exec"/> or <c>ip netns exec</c>).</summary>
    public string Name => _topology.RouterNamespace;

    /// <summary>The namespace's nf_conntrack_count, read now.</summary>
    public long Count => ReadLong("/proc/sys/net/netfilter/nf_conntrack_count");

    /// <summary>nf_conntrack_max as the namespace sees it (the global value).</summary>
    public long Max => ReadLong("/proc/sys/net/netfilter/nf_conntrack_max");

    /// <summary>How long the last fill (<see cref="Create"/> or <see cref="Add"/>) took.</summary>
    public FillTiming? LastFill { get; private set; }

    /// <summary>Creates the namespaces and fills the table with <paramref name="spec"/>.</summary>
    public static FilledNamespace Create(FillSpec spec)
    {
        ArgumentNullException.ThrowIfNull(spec);
        var filled = new FilledNamespace(ParityTopology.Create());
        try
        {
            Shell.CheckWithInput(FillRules.Table, "ip", "netns", "exec", filled.Name, "nft", "-f", "-");
            // Entries are confirmed in B's postrouting, before b1 sends: with its peer down, b1 discards
            // the forwarded frames at once instead of C receiving and dropping each (≈15 % of a fill's time).
            Shell.Check("ip", "-n", filled._topology.SinkNamespace, "link", "set", "c0", "down");
            filled.Add(spec);
            return filled;
        }
        catch
        {
            filled.Dispose();
            throw;
        }
    }

    /// <summary>
    /// Adds <paramref name="spec"/>'s entries to those already there (new groups, new tuples): a table can
    /// grow in steps. Throws when a frame did not reach B, so a short table is never mistaken for the kernel's answer.
    /// </summary>
    public FillTiming Add(FillSpec spec)
    {
        ArgumentNullException.ThrowIfNull(spec);
        if (_slots + spec.Groups.Count > FillAddresses.MaxSlots)
            throw new ArgumentException(string.Create(CultureInfo.InvariantCulture, $"a filled namespace holds at most {FillAddresses.MaxSlots} groups; {_slots} used, {spec.Groups.Count} more asked"));
        var settings = new List<string>();
        if (spec.Accounting)
            settings.Add("net.netfilter.nf_conntrack_acct=1");
        if (spec.Timestamps)
            settings.Add("net.netfilter.nf_conntrack_timestamp=1");
        if (settings.Count > 0)
            _topology.InRouter("sysctl", ["-q", "-w", .. settings]);
        string rules = FillRules.For(spec, _slots);
        if (rules.Length > 0)
            Shell.CheckWithInput(rules, "ip", "netns", "exec", Name, "nft", "-f", "-");

        // Side by side, entries reach the kernel out of the spec's order: only when all of them fit may it
        // not matter which are dropped. Past the limit one sender keeps the order (the overflow comes last).
        int senders = Count + spec.Entries <= Max ? Math.Clamp(System.Environment.ProcessorCount, 1, MaxSenders) : 1;
        var clock = Stopwatch.StartNew();
        var (now, late) = FillPcap.Write(spec.Groups, _slots, _topology.SenderMac, _topology.RouterMac, _work, senders);
        _slots += spec.Groups.Count;
        var build = clock.Elapsed;

        var (receivedBefore, droppedBefore) = _topology.RouterReceiveCounters();
        Send(now);
        if (late.Frames > 0)
        {
            Thread.Sleep(StreamWait);
            Send([late]);
        }
        var send = clock.Elapsed - build;
        int frames = now.Sum(f => f.Frames) + late.Frames;
        var (receivedAfter, droppedAfter) = _topology.RouterReceiveCounters();
        if (receivedAfter - receivedBefore != frames || droppedAfter != droppedBefore)
            throw new InvalidOperationException(string.Create(CultureInfo.InvariantCulture,
                $"b0 received {receivedAfter - receivedBefore} of {frames} frames, dropped {droppedAfter - droppedBefore}: the fill is short"));
        LastFill = new FillTiming(spec.Entries, frames, build, send);
        return LastFill;
    }

    /// <summary>Runs a program inside the namespace; never throws for a non-zero exit.</summary>
    public Shell.Result Exec(string program, params string[] args) => Shell.Try("ip", ["netns", "exec", Name, program, .. args]);

    public void Dispose()
    {
        _topology.Dispose();
        if (Directory.Exists(_work))
            Directory.Delete(_work, recursive: true);
    }

    /// <summary>One tcpreplay per file, all at once: the kernel processes each sender's frames on the sender's CPU.</summary>
    private void Send(FillPcap.File[] files)
    {
        var replays = files.Where(f => f.Frames > 0)
            .Select(f => Task.Run(() => _topology.InSender("tcpreplay", "-q", "--topspeed", "-K", "--intf1=a0", f.Path)))
            .ToArray();
        Task.WaitAll(replays);
        if (replays.Select(r => r.Result).FirstOrDefault(r => !r.Ok) is { } failed)
            throw new InvalidOperationException($"tcpreplay failed: {failed}");
    }

    private long ReadLong(string file) => long.Parse(_topology.InRouter("cat", file).Stdout.Trim(), CultureInfo.InvariantCulture);
}
