using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using Conntrack.Flows;
using Conntrack.Protocols;
using Conntrack.Settings;
using Conntrack.Timeouts;

namespace Conntrack.Host.Tables;

/// <summary>
/// Aggregates of a conntrack table read line by line, without keeping entries: counts by protocol,
/// state, flags, family and zone; bounded top-N sources, destinations and destination ports; entries
/// by remaining and idle time; and, per timeout sysctl, a histogram of how long ago each entry was
/// refreshed — enough to age the table under other timeouts.
/// </summary>
public sealed class TableSummary
{
    private const int MaxZones = 1024;

    private readonly ConntrackSettings _timeouts;
    private readonly StateStats?[] _states = new StateStats?[256 * 64];
    private readonly Dictionary<TimeoutClass, AgeHistogram> _ages = [];
    private readonly Dictionary<int, long> _zones = [];
    private readonly long[] _byProtocol = new long[256];
    private long _zoneZero;

    /// <summary>Timeout class per protocol/state/flags, resolved once: its value and its histogram.</summary>
    private readonly ResolvedTimeout?[] _classes = new ResolvedTimeout?[256 * 64 * 4];
    private readonly bool[] _classResolved = new bool[256 * 64 * 4];

    private sealed record ResolvedTimeout(long Timeout, AgeHistogram Ages);

    /// <param name="timeouts">The host's current timeouts (the engine's defaults for those it did not show).</param>
    public TableSummary(ConntrackSettings timeouts) => _timeouts = timeouts;

    public long Entries { get; private set; }
    public long Assured { get; private set; }
    public long Unreplied { get; private set; }
    public long Offloaded { get; private set; }
    public long Ipv4 { get; private set; }
    public long Ipv6 { get; private set; }
    public long LinesWithL3Prefix { get; private set; }
    public long LinesWithZone { get; private set; }
    public long LinesWithMark { get; private set; }

    /// <summary>Entries whose remaining time exceeds their class timeout (timeouts lowered after they were refreshed).</summary>
    public long RemainingAboveTimeout { get; private set; }

    /// <summary>Entries in zones other than the set below when more than 1024 zones appear.</summary>
    public long OtherZones { get; private set; }

    public HeavyHitters<AddressKey> Sources { get; } = new();
    public HeavyHitters<AddressKey> Destinations { get; } = new();

    /// <summary>Keys are <c>protocol &lt;&lt; 16 | port</c>.</summary>
    public HeavyHitters<int> DestinationPorts { get; } = new();

    /// <summary>UNREPLIED entries by destination port, same keys.</summary>
    public HeavyHitters<int> UnrepliedDestinationPorts { get; } = new();

    /// <summary>Entries per zone (zone 0 included when it has any).</summary>
    public IReadOnlyDictionary<int, long> Zones
    {
        get
        {
            var zones = new Dictionary<int, long>(_zones);
            if (_zoneZero > 0)
                zones[0] = _zoneZero;
            return zones;
        }
    }

    /// <summary>Entries per protocol number.</summary>
    public ReadOnlySpan<long> ByProtocol => _byProtocol;

    /// <summary>Per protocol/state pair, largest first.</summary>
    public IReadOnlyList<StateStats> States => [.. _states.OfType<StateStats>().OrderByDescending(s => s.Count).ThenBy(s => s.Label, StringComparer.Ordinal)];

    /// <summary>Idle-time histograms per timeout class.</summary>
    public IReadOnlyDictionary<TimeoutClass, AgeHistogram> Ages => _ages;

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public void Add(in TableEntry e)
    {
        Entries++;
        _byProtocol[e.Protocol]++;
        if (e.Assured)
            Assured++;
        if (e.Unreplied)
            Unreplied++;
        if (e.Offloaded)
            Offloaded++;
        if (e.Family == 10)
            Ipv6++;
        else
            Ipv4++;
        if (e.HasL3Prefix)
            LinesWithL3Prefix++;
        if (e.HasZoneField)
            LinesWithZone++;
        if (e.HasMark)
            LinesWithMark++;
        if (e.Zone == 0)
            _zoneZero++;
        else if (_zones.Count < MaxZones || _zones.ContainsKey(e.Zone))
            CollectionsMarshal.GetValueRefOrAddDefault(_zones, e.Zone, out _)++;
        else
            OtherZones++;

        Sources.Add(e.Source);
        Destinations.Add(e.Destination);
        if (e.DestinationPort >= 0)
        {
            int portKey = (e.Protocol << 16) | e.DestinationPort;
            DestinationPorts.Add(portKey);
            if (e.Unreplied)
                UnrepliedDestinationPorts.Add(portKey);
        }

        int stateKey = (e.Protocol << 6) | ((int)e.State & 63);
        var stats = _states[stateKey];
        if (stats is null)
        {
            stats = new StateStats(StateLabel(e.Protocol, e.State), e.Protocol, e.State, TimeoutRules.For(e.Protocol, e.State, assured: false, unreplied: true));
            _states[stateKey] = stats;
        }
        stats.Count++;
        if (e.Assured)
            stats.Assured++;
        if (e.Unreplied)
            stats.Unreplied++;
        if (e.Timeout < 0)
            return;
        stats.Remaining[StateStats.BinOf(e.Timeout)]++;

        int classKey = (stateKey << 2) | (e.Assured ? 2 : 0) | (e.Unreplied ? 1 : 0);
        var resolved = _classes[classKey];
        if (!_classResolved[classKey])
        {
            resolved = ResolveClass(e);
            _classes[classKey] = resolved;
            _classResolved[classKey] = true;
        }
        if (resolved is null)
            return;
        long age = resolved.Timeout - e.Timeout;
        if (age < 0)
        {
            RemainingAboveTimeout++;
            age = 0;
        }
        stats.Idle[StateStats.IdleBinOf(age)]++;
        resolved.Ages.Add(age);
    }

    private ResolvedTimeout? ResolveClass(in TableEntry e)
    {
        if (TimeoutRules.For(e.Protocol, e.State, e.Assured, e.Unreplied) is not { } timeout)
            return null;
        if (!_ages.TryGetValue(timeout, out var histogram))
        {
            histogram = new AgeHistogram();
            _ages[timeout] = histogram;
        }
        return new ResolvedTimeout(_timeouts.Get(timeout), histogram);
    }

    /// <summary>"tcp ESTABLISHED", "udp", "unknown 50" — the labels the replay report uses.</summary>
    public static string StateLabel(byte protocol, StateId state)
    {
        string name = IpProtocol.Name(protocol);
        string proto = name == "unknown" ? $"unknown {protocol}" : name;
        return state == StateId.Absent ? proto : $"{proto} {StateNames.Name(state)}";
    }

    /// <summary>"udp/53" for a destination-port key.</summary>
    public static string PortLabel(int portKey)
    {
        byte protocol = (byte)(portKey >> 16);
        return $"{IpProtocol.Name(protocol)}/{portKey & 0xFFFF}";
    }
}
