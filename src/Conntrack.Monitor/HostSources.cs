namespace Conntrack.Monitor;

/// <summary>What every watcher shares because the host has one of it: the kernel log and the slab caches.</summary>
internal sealed class HostSources : IDisposable
{
    public KernelLogWatcher Log { get; } = new();
    public SlabReader Slab { get; } = new();

    public void Start() => Log.Start();

    public void Dispose() => Log.Dispose();
}
