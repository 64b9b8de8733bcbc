using Conntrack.Flows;
using Conntrack.Settings;

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
    private readonly Dictionary<int, StateStats> _states = [];
    private readonly Dictionary<string, AgeHistogram> _ages = new(StringComparer.Ordinal);
    private readonly Dictionary<int, long> _zones = [];
    private readonly long[] _byProtocol = new long[256];

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

    public IReadOnlyDictionary<int, long> Zones => _zones;

    /// <summary>Entries per protocol number.</summary>
    public ReadOnlySpan<long> ByProtocol => _byProtocol;

    /// <summary>Per protocol/state pair, largest first.</summary>
    public IReadOnlyList<StateStats> States => [.. _states.Values.OrderByDescending(s => s.Count).ThenBy(s => s.Label, StringComparer.Ordinal)];

    /// <summary>Idle-time histograms keyed by timeout sysctl name.</summary>
    public IReadOnlyDictionary<string, AgeHistogram> Ages => _ages;

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
        if (_zones.ContainsKey(e.Zone) || _zones.Count < MaxZones)
            _zones[e.Zone] = _zones.GetValueOrDefault(e.Zone) + 1;
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

        int stateKey = (e.Protocol << 8) | e.State;
        if (!_states.TryGetValue(stateKey, out var stats))
        {
            stats = new StateStats(StateLabel(e.Protocol, e.State), e.Protocol, e.State, TimeoutClasses.SettingFor(e.Protocol, e.State, assured: false, unreplied: true));
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

        string? setting = TimeoutClasses.SettingFor(e.Protocol, e.State, e.Assured, e.Unreplied);
        if (setting is null)
            return;
        long classTimeout = _timeouts.Get(setting);
        long age = classTimeout - e.Timeout;
        if (age < 0)
        {
            RemainingAboveTimeout++;
            age = 0;
        }
        stats.Idle[StateStats.IdleBinOf(age)]++;
        if (!_ages.TryGetValue(setting, out var histogram))
        {
            histogram = new AgeHistogram();
            _ages[setting] = histogram;
        }
        histogram.Add(age);
    }

    /// <summary>"tcp ESTABLISHED", "udp", "unknown 50" — the labels the replay report uses.</summary>
    public static string StateLabel(byte protocol, byte state)
    {
        string name = IpProtocol.Name(protocol);
        string proto = name == "unknown" ? $"unknown {protocol}" : name;
        return state == TableStates.None ? proto : $"{proto} {TableStates.Name(state)}";
    }

    /// <summary>"udp/53" for a destination-port key.</summary>
    public static string PortLabel(int portKey)
    {
        byte protocol = (byte)(portKey >> 16);
        return $"{IpProtocol.Name(protocol)}/{portKey & 0xFFFF}";
    }
}
