using Conntrack.Host.Logs;

namespace Conntrack.Monitor;

/// <summary>
/// The kernel log, followed for the whole process: /dev/kmsg read non-blocking from its end on a polling thread, or,
/// when it cannot be opened, the systemd journal (<c>journalctl -k -f</c>) when there is one. Nothing here waits on
/// the log; lines go into a bounded <see cref="KernelLogTally"/>.
/// </summary>
internal sealed class KernelLogWatcher : IDisposable
{
    private static readonly TimeSpan Poll = TimeSpan.FromMilliseconds(250);
    private static readonly Version FirstTaggingKernel = new(6, 17);

    private readonly KernelLogTally _tally = new(Environment.OSVersion.Version >= FirstTaggingKernel);
    private readonly CancellationTokenSource _stop = new();
    private readonly KernelMessageHandler _onMessage;
    private KmsgReader? _kmsg;
    private JournalFollower? _journal;
    private Thread? _poller;

    public KernelLogWatcher() => _onMessage = (time, message) => _tally.Add(time, message, DateTimeOffset.UtcNow);

    /// <summary>What is read: "/dev/kmsg", "journal", or why neither could be.</summary>
    public string Source { get; private set; } = "not started";

    public void Start()
    {
        _kmsg = KmsgReader.TryOpen(out string? kmsgProblem);
        if (_kmsg is not null)
        {
            Source = KmsgReader.DevicePath;
            _poller = new Thread(PollKmsg) { IsBackground = true, Name = "kmsg poller" };
            _poller.Start();
            return;
        }
        _journal = JournalFollower.TryStart(_onMessage, out string? journalProblem);
        Source = _journal is not null ? "journal" : $"none ({kmsgProblem}; {journalProblem})";
    }

    public KernelLogFigures For(long? inode, bool? initial) => _tally.For(inode, initial);

    private void PollKmsg()
    {
        while (!_stop.IsCancellationRequested)
        {
            _kmsg!.ReadAvailable(_onMessage);
            _stop.Token.WaitHandle.WaitOne(Poll);
        }
    }

    public void Dispose()
    {
        _stop.Cancel();
        _poller?.Join();
        _kmsg?.Dispose();
        _journal?.Dispose();
        _stop.Dispose();
    }
}
