using System.Collections;
using System.Globalization;
using Conntrack.Host.Netlink;

namespace Conntrack.Monitor;

/// <summary>
/// The watched namespaces: the ones named, the current one, or with <c>--netns all</c> every namespace of the host,
/// enumerated again every <see cref="MonitorOptions.RescanEvery"/> — new ones get a watcher, vanished ones lose theirs
/// (and the exposition drops their series). Reads see one consistent list.
/// </summary>
internal sealed class WatcherSet : IReadOnlyList<NamespaceWatcher>, IDisposable
{
    private readonly MonitorOptions _options;
    private readonly HostSources _host;
    private readonly Dictionary<ulong, NamespaceWatcher> _byInode = [];
    private readonly CancellationTokenSource _stop = new();
    private volatile NamespaceWatcher[] _current = [];
    private Thread? _rescanner;

    public WatcherSet(MonitorOptions options, HostSources host)
    {
        _options = options;
        _host = host;
    }

    public int Count => _current.Length;

    public NamespaceWatcher this[int index] => _current[index];

    /// <summary>Starts the watchers; with <see cref="MonitorOptions.AllNamespaces"/> the rescans too.</summary>
    public void Start()
    {
        if (!_options.AllNamespaces)
        {
            _current = _options.Namespaces.Count == 0
                ? [new NamespaceWatcher("current", null, _options, _host)]
                : [.. _options.Namespaces.Select(n => new NamespaceWatcher(n.Label, n.Target, _options, _host))];
            foreach (var watcher in _current)
                watcher.Start();
            return;
        }
        Rescan(NetnsCatalog.Enumerate());
        _rescanner = new Thread(RescanPeriodically) { IsBackground = true, Name = "netns rescan" };
        _rescanner.Start();
    }

    /// <summary>Watches exactly <paramref name="found"/>: starts the new, stops the vanished, keeps the rest (and their labels).</summary>
    internal void Rescan(IReadOnlyList<NetnsInfo> found)
    {
        var inodes = found.Select(n => n.Inode).ToHashSet();
        foreach (ulong gone in _byInode.Keys.Where(i => !inodes.Contains(i)).ToList())
        {
            _byInode.Remove(gone, out var watcher);
            watcher!.Dispose();
        }
        foreach (var info in found.Where(n => !_byInode.ContainsKey(n.Inode)))
        {
            var watcher = new NamespaceWatcher(Label(info), info.Target, _options, _host);
            _byInode[info.Inode] = watcher;
            watcher.Start();
        }
        _current = [.. _byInode.Values.OrderBy(w => w.Label, StringComparer.Ordinal)];
    }

    /// <summary>A namespace's first name, else "pid" and its first process.</summary>
    public static string Label(NetnsInfo info) =>
        info.Names.Count > 0 ? info.Names[0] : string.Create(CultureInfo.InvariantCulture, $"pid{info.Pids[0]}");

    private void RescanPeriodically()
    {
        while (!_stop.Token.WaitHandle.WaitOne(_options.RescanEvery))
            Rescan(NetnsCatalog.Enumerate());
    }

    public IEnumerator<NamespaceWatcher> GetEnumerator() => ((IEnumerable<NamespaceWatcher>)_current).GetEnumerator();

    IEnumerator IEnumerable.GetEnumerator() => GetEnumerator();

    public void Dispose()
    {
        _stop.Cancel();
        _rescanner?.Join();
        foreach (var watcher in _current)
            watcher.Dispose();
        _stop.Dispose();
    }
}
