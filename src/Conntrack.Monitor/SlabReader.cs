using Conntrack.Host;
using Conntrack.Host.Files;
using Conntrack.Host.Parsing;
using Conntrack.Host.Resources;

namespace Conntrack.Monitor;

/// <summary>
/// The host's conntrack slab caches from /proc/slabinfo (Host's reader), read at most once per
/// <see cref="MaxAge"/> however many namespaces ask: it is host-wide, and root-only.
/// </summary>
internal sealed class SlabReader
{
    public static readonly TimeSpan MaxAge = TimeSpan.FromSeconds(1);

    private readonly Lock _lock = new();
    private SlabCache? _cache;
    private DateTimeOffset _read = DateTimeOffset.MinValue;

    public static int PageSize => Environment.SystemPageSize;

    /// <summary>The conntrack caches as one (null when slabinfo cannot be read or has none).</summary>
    public SlabCache? Current(DateTimeOffset now)
    {
        lock (_lock)
        {
            if (now - _read >= MaxAge)
            {
                _cache = Read();
                _read = now;
            }
            return _cache;
        }
    }

    private static SlabCache? Read()
    {
        var file = HostRoot.Live.Find(HostPaths.SlabInfo);
        if (!file.IsReadable)
            return null;
        try
        {
            using var stream = file.Open();
            return SlabInfo.Read(stream, file.Label, PageSize, new ParseIssueLog()).Combined;
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            return null;
        }
    }
}
