using System.Runtime.CompilerServices;
using Conntrack.Settings;
using Conntrack.Timeouts;

namespace Conntrack.Protocols;

/// <summary>
/// Settings as the trackers use them: timeouts in nanoseconds indexed by <see cref="TimeoutClass"/>,
/// flags as booleans. Built once per table so the packet path never parses or looks up names.
/// </summary>
public sealed class TrackerConfig
{
    internal const long NanosPerSecond = 1_000_000_000;

    private readonly long[] _timeouts = new long[TimeoutClasses.Count];

    public bool TcpLoose { get; }
    public bool TcpBeLiberal { get; }
    public bool TcpIgnoreInvalidRst { get; }
    public int TcpMaxRetrans { get; }
    public bool Checksum { get; }

    public TrackerConfig(ConntrackSettings s)
    {
        for (int i = 0; i < _timeouts.Length; i++)
            _timeouts[i] = s.Get((TimeoutClass)i) * NanosPerSecond;
        TcpLoose = s.TcpLoose;
        TcpBeLiberal = s.TcpBeLiberal;
        TcpIgnoreInvalidRst = s.TcpIgnoreInvalidRst;
        TcpMaxRetrans = s.TcpMaxRetrans;
        Checksum = s.Checksum;
    }

    /// <summary>A timeout in nanoseconds.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public long Timeout(TimeoutClass timeout) => _timeouts[(int)timeout];
}
