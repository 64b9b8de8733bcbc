using System.Globalization;
using System.Numerics;
using System.Text;
using Conntrack.Replay.Memory;
using Conntrack.Host;
using Conntrack.Host.Tables;
using Conntrack.Flows;
using Conntrack.Protocols;
using Conntrack.Timeouts;
using static Conntrack.Doctor.DoctorText;

namespace Conntrack.Doctor;

public static partial class DoctorAnalyzer
{
    /// <summary>Where the persistent sysctl file goes.</summary>
    public const string SysctlFilePath = "/etc/sysctl.d/90-conntrack.conf";

    /// <summary>A timeout change is proposed when it would remove at least this share of the table (and one entry).</summary>
    public const double TimeoutWorthShare = 0.02;

    /// <summary>A destination port with this share of the table is a candidate for notrack.</summary>
    public const double NotrackShare = 0.25;

    /// <summary>Raising is unaffordable when the extra memory of a full table exceeds this share of available memory.</summary>
    public const double AffordableShare = 0.25;

    private sealed record Candidate(TimeoutClass Timeout, long Proposed, string What, string Cost);

    /// <summary>Shorter timeouts worth checking, gentlest first; each applies only when the host's value is higher.</summary>
    private static readonly Candidate[] TimeoutCandidates =
    [
        new(TimeoutClass.TcpEstablished, 86_400, "ESTABLISHED entries idle for more than a day",
            "an ESTABLISHED connection silent for over a day loses its entry: its next packet is picked up mid-stream (nf_conntrack_tcp_loose=1) or dropped as INVALID by ct state rules; TCP keepalives (every 2 h by default) keep live connections' entries fresh"),
        new(TimeoutClass.TcpSynSent, 60, "unanswered SYNs", "a connection attempt still unanswered after 60 s loses its entry; a later retransmitted SYN simply creates a new one"),
        new(TimeoutClass.TcpSynRecv, 60, "half-open handshakes", "handshakes slower than 60 s start over"),
        new(TimeoutClass.TcpFinWait, 60, "connections closing (FIN_WAIT)", "a peer that takes over 60 s to finish closing meets no entry; its last packets may be INVALID"),
        new(TimeoutClass.TcpCloseWait, 60, "half-closed connections (CLOSE_WAIT)", "a half-closed connection idle for over 60 s loses its entry"),
        new(TimeoutClass.TcpLastAck, 30, "connections waiting for the last ACK", "a lost last ACK retransmitted after 30 s meets no entry"),
        new(TimeoutClass.TcpTimeWait, 60, "closed connections in TIME_WAIT", "a 4-tuple reused 60–120 s after closing is simply a new connection (it starts with a SYN); nothing breaks"),
        new(TimeoutClass.UdpStream, 60, "UDP streams idle for a minute or more", "a UDP flow silent for over 60 s (VPN or QUIC keepalives are usually 15–25 s) becomes new again; NATed flows may change source port"),
        new(TimeoutClass.Udp, 30, "unanswered or one-shot UDP", "a reply later than 30 s after the request meets no entry"),
        new(TimeoutClass.Icmp, 30, "ICMP", "an echo reply later than 30 s is INVALID"),
        new(TimeoutClass.Generic, 120, "protocols without a tracker (ESP, OSPF, …)", "a tunnel or routing protocol silent for over 2 min becomes new again; IPsec with DPD/keepalives is unaffected"),
    ];

    /// <summary>Past the gentle set: just above the 2-h TCP keepalive interval.</summary>
    private static readonly Candidate AggressiveEstablished = new(TimeoutClass.TcpEstablished, 7440, "ESTABLISHED entries idle for more than 2 h 4 min",
        "a connection silent for over 2 h 4 min without TCP keepalives loses its entry (keepalive's default first probe is at 2 h, so connections that use it keep theirs); long-idle SSH or database sessions without keepalives are cut");

    private static readonly HashSet<int> StatelessUdpPorts = [53, 69, 123, 161, 162, 514, 1812, 1813, 2055, 3784, 3785, 4739, 4789, 6081, 6343, 8472];

    private sealed class PlanResult
    {
        public List<TimeoutChange> Projections { get; } = [];
        public long? ProjectedCount { get; set; }
        public List<Recommendation> Recommendations { get; } = [];
        public PersistentFile? SysctlFile { get; set; }
        public PersistentFile? ModprobeFile { get; set; }
        public long? NewMax { get; set; }
        public long? NewBuckets { get; set; }
    }

    private static PlanResult Plan(HostObservation host, TableUsage usage, MemoryAssessment memory, Verdict verdict, IReadOnlyList<Verdict> also)
    {
        var plan = new PlanResult();
        var all = also.Prepend(verdict).ToHashSet();
        bool full = all.Contains(Verdict.DroppingFull) || all.Contains(Verdict.Filling);
        bool noMemory = all.Contains(Verdict.DroppingMemory);
        var settings = host.Settings;
        string module = settings.LegacyNames ? "ip_conntrack" : "nf_conntrack";
        var table = host.Table?.Summary;
        long? max = usage.Max is > 0 ? usage.Max : null;

        // 1. Timeouts: age the current table under shorter values.
        if ((full || noMemory) && table is { Entries: > 0 })
            ProposeTimeouts(host, usage, table, max, plan);

        // 2. Traffic that should not be tracked at all.
        Recommendation? halfOpen = (full || noMemory) && table is not null ? HalfOpen(table) : null;
        Recommendation? notrack = (full || noMemory) && table is not null ? Notrack(table, settings.LegacyNames) : null;

        // 3. Room: raise max and buckets, unless memory or the traffic says no.
        var room = new List<Recommendation>();
        bool timeoutsSuffice = false;
        if (full && max is long currentMax)
            timeoutsSuffice = MakeRoom(host, usage, memory, verdict, all, currentMax, halfOpen, noMemory, module, plan, room);
        else if (halfOpen is not null)
            room.Add(halfOpen);

        // 4. Long chains without a full table: one bucket per allowed entry.
        if (all.Contains(Verdict.LongChains) && plan.NewBuckets is null && max is long m && (usage.Buckets ?? 0) < m)
        {
            long buckets = ConntrackMemoryModel.RoundBuckets(m, host.PageSize, memory.Profile.BucketHeadBytes);
            room.Add(Buckets(host, usage, m, buckets, module, plan));
        }

        // 5. Shorter timeouts, already computed: biggest effect first.
        var timeouts = plan.Projections
            .Where(c => c.EntriesGone > 0 && c.Proposed < c.Current && ShouldPropose(c, table!))
            .OrderByDescending(c => c.EntriesGone)
            .Select(c => TimeoutRecommendation(host, table!, c, usage))
            .ToList();

        // 6. Memory: don't raise, find and keep free pages — first, when allocations fail.
        AddInOrder(plan, room, timeouts, memory, usage, noMemory, timeoutsSuffice);
        if (notrack is not null)
            plan.Recommendations.Add(notrack);

        if (all.Contains(Verdict.InsertRaces))
            plan.Recommendations.Add(InsertRaces(host));

        if (full && (table is null || notrack is not null))
            plan.Recommendations.Add(DisableConntrack(settings.LegacyNames));

        if (!full && !noMemory && memory.AtMax is { } atMax && memory.MemTotal is long ram && atMax.TotalBytes > ram / 4)
            plan.Recommendations.Add(LowerMax(host, memory, atMax, ram));

        if (plan.Recommendations.Count == 0)
            plan.Recommendations.Add(NoChange(usage, verdict));

        Persist(host, plan, module);
        return plan;
    }

    /// <summary>
    /// Step 3 for a full or filling table: double the demand (rounded to a power of two) with
    /// matching buckets, or say why not (half-open flood, memory). Adds to <paramref name="room"/>;
    /// returns whether the shorter timeouts alone would bring the count well below today's max.
    /// </summary>
    private static bool MakeRoom(HostObservation host, TableUsage usage, MemoryAssessment memory, Verdict verdict, HashSet<Verdict> all,
        long currentMax, Recommendation? halfOpen, bool noMemory, string module, PlanResult plan, List<Recommendation> room)
    {
        var settings = host.Settings;
        bool timeoutsSuffice = false;
        long demand = verdict == Verdict.DroppingFull || all.Contains(Verdict.DroppingFull) ? currentMax : usage.Count ?? currentMax;
        long newMax = (long)BitOperations.RoundUpToPowerOf2((ulong)Math.Max(2 * demand, currentMax + 1));
        long newBuckets = ConntrackMemoryModel.RoundBuckets(newMax, host.PageSize, memory.Profile.BucketHeadBytes);
        var atNew = ConntrackMemoryModel.Estimate(newMax, Math.Max(newBuckets, usage.Buckets ?? 0), memory.Profile, memory.Extensions);
        long oldTotal = memory.AtMax?.TotalBytes ?? 0;
        long extra = atNew.TotalBytes - oldTotal;
        bool unaffordable = memory.Pressure || noMemory || (memory.Available is long available && extra > available * AffordableShare);
        if (halfOpen is not null)
            room.Add(halfOpen);
        if (unaffordable)
        {
            room.Add(DontRaise(memory, usage, extra, newMax, noMemory));
        }
        else if (halfOpen is null)
        {
            memory.AtRecommended = atNew;
            plan.NewMax = newMax;
            timeoutsSuffice = plan.ProjectedCount is long projected && projected < currentMax * 0.7;
            string optional = timeoutsSuffice ? $" (optional: with the shorter timeouts the table would hold ~{N(plan.ProjectedCount)}, {Percent(100.0 * plan.ProjectedCount!.Value / currentMax)} % of today's max)" : "";
            string ramShare = memory.MemTotal is long total ? $"; {Percent(100.0 * atNew.TotalBytes / total)} % of {(memory.AvailableSource.StartsWith("LowFree", StringComparison.Ordinal) ? "low memory" : "RAM")}" : "";
            string netns = host.Live && host.InitialNetns == false ? " nf_conntrack_max is global: run this in the initial namespace, and it applies to every namespace." : "";
            room.Add(new Recommendation(
                "raise_max",
                $"Raise {settings.ShortName("nf_conntrack_max")} {N(currentMax)} → {N(newMax)}{optional}",
                $"{(verdict == Verdict.DroppingFull ? "The table is full and new flows are dropped" : $"The table is {Percent(usage.FillPercent ?? 0)} % full")}; {N(newMax)} is twice the demand seen, rounded to a power of two, so bursts have room.{netns}",
                $"up to {Bytes(Math.Max(0, extra))} more kernel memory when full: entries {Bytes(memory.AtMax?.SlabBytes ?? 0)} → {Bytes(atNew.SlabBytes)} ({memory.Profile.Geometry}){(memory.Extensions ? $", extensions {Bytes(memory.AtMax?.ExtensionBytes ?? 0)} → {Bytes(atNew.ExtensionBytes)}" : "")}, buckets {Bytes(memory.AtMax?.BucketBytes ?? 0)} → {Bytes(atNew.BucketBytes)}{ramShare}. Memory is taken only as entries are created.",
                [$"sysctl -w {settings.SysctlName("nf_conntrack_max")}={newMax.ToString(CultureInfo.InvariantCulture)}"],
                new Dictionary<string, long> { ["nf_conntrack_max"] = newMax }));
            if ((usage.Buckets ?? 0) < newBuckets)
                room.Add(Buckets(host, usage, newMax, newBuckets, module, plan));
        }
        return timeoutsSuffice;
    }

    /// <summary>
    /// Room and timeouts in the order that helps most: memory advice first when allocations fail,
    /// timeouts first when they alone suffice, otherwise room first.
    /// </summary>
    private static void AddInOrder(PlanResult plan, List<Recommendation> room, List<Recommendation> timeouts, MemoryAssessment memory,
        TableUsage usage, bool noMemory, bool timeoutsSuffice)
    {
        if (noMemory)
        {
            if (!room.Any(r => r.Kind == "dont_raise_memory"))
                plan.Recommendations.Add(DontRaise(memory, usage, 0, null, noMemory: true));
            plan.Recommendations.AddRange(room);
            plan.Recommendations.Add(FreeMemory(memory));
            plan.Recommendations.AddRange(timeouts);
        }
        else if (timeoutsSuffice)
        {
            plan.Recommendations.AddRange(timeouts);
            plan.Recommendations.AddRange(room);
        }
        else
        {
            plan.Recommendations.AddRange(room);
            plan.Recommendations.AddRange(timeouts);
        }
    }

    private static Recommendation NoChange(TableUsage usage, Verdict verdict) =>
        new("no_change", "Nothing to change",
            verdict switch
            {
                Verdict.Healthy => $"{N(usage.Count)} of {N(usage.Max)} entries{(usage.FillPercent is double f ? $" ({Percent(f)} %)" : "")} and no drops: the table has room.",
                Verdict.Unknown => "Nothing can be recommended from unusable inputs: fix or replace the files named in the evidence and run the doctor again.",
                _ => "No setting change would help with what these files show.",
            },
            "none", [], Recommendation.NoSettings);

    private static bool ShouldPropose(TimeoutChange change, TableSummary table) =>
        change.EntriesGone >= Math.Max(1, (long)(table.Entries * TimeoutWorthShare));

    private static void ProposeTimeouts(HostObservation host, TableUsage usage, TableSummary table, long? max, PlanResult plan)
    {
        var current = host.Settings.Settings;
        foreach (var candidate in TimeoutCandidates)
        {
            long now = current.Get(candidate.Timeout);
            if (now > candidate.Proposed)
                plan.Projections.Add(Project(table, candidate.Timeout, now, candidate.Proposed));
        }
        long gone = plan.Projections.Where(c => ShouldPropose(c, table)).Sum(c => c.EntriesGone);
        plan.ProjectedCount = Scale(usage, table, gone);

        // Not enough? Try the keepalive-bounded established timeout.
        long established = current.Get(AggressiveEstablished.Timeout);
        if (max is long m && plan.ProjectedCount > m * 0.7 && established > AggressiveEstablished.Proposed)
        {
            var aggressive = Project(table, AggressiveEstablished.Timeout, established, AggressiveEstablished.Proposed);
            int i = plan.Projections.FindIndex(c => c.Timeout == AggressiveEstablished.Timeout);
            if (aggressive.EntriesGone > (i >= 0 ? plan.Projections[i].EntriesGone : 0))
            {
                if (i >= 0)
                    plan.Projections[i] = aggressive;
                else
                    plan.Projections.Insert(0, aggressive);
                gone = plan.Projections.Where(c => ShouldPropose(c, table)).Sum(c => c.EntriesGone);
                plan.ProjectedCount = Scale(usage, table, gone);
            }
        }
    }

    /// <summary>The count after removing <paramref name="gone"/> table entries, scaled when the count and the file differ.</summary>
    private static long Scale(TableUsage usage, TableSummary table, long gone)
    {
        if (usage.Count is long count && table.Entries > 0)
            return Math.Max(0, count - (long)Math.Round((double)gone * count / table.Entries));
        return Math.Max(0, table.Entries - gone);
    }

    private static Recommendation TimeoutRecommendation(HostObservation host, TableSummary table, TimeoutChange change, TableUsage usage)
    {
        var candidate = change.Proposed == AggressiveEstablished.Proposed && change.Timeout == AggressiveEstablished.Timeout
            ? AggressiveEstablished
            : TimeoutCandidates.First(c => c.Timeout == change.Timeout);
        double share = 100.0 * change.EntriesGone / Math.Max(1, table.Entries);
        string exact = change.Exact ? "" : " (at least)";
        string alone = usage.Count is long ? $" Alone, this change brings the count to ~{N(Scale(usage, table, change.EntriesGone))}." : "";
        return new Recommendation(
            "shorten_timeout",
            $"Shorten {host.Settings.ShortName(change.Setting)} {Duration(change.Current)} → {Duration(change.Proposed)}: {N(change.EntriesGone)} entries ({Percent(share)} % of the table) would already be gone",
            $"{N(change.EntriesGone)}{exact} of {N(change.EntriesInClass)} {candidate.What} were last refreshed more than {Duration(change.Proposed)} ago. Ageing the current table under the new value (remaining − ({N(change.Current)} − {N(change.Proposed)}) ≤ 0) expires them now; new entries live at most {Duration(change.Proposed)} idle.{alone}",
            candidate.Cost,
            [$"sysctl -w {host.Settings.SysctlName(change.Setting)}={change.Proposed.ToString(CultureInfo.InvariantCulture)}"],
            new Dictionary<string, long> { [change.Setting] = change.Proposed });
    }

    private static Recommendation Buckets(HostObservation host, TableUsage usage, long forMax, long newBuckets, string module, PlanResult plan)
    {
        plan.NewBuckets = newBuckets;
        long current = usage.Buckets ?? 0;
        double chain = current > 0 ? 2.0 * forMax / current : double.NaN;
        string b = newBuckets.ToString(CultureInfo.InvariantCulture);
        var commands = new List<string>();
        if (!host.Settings.LegacyNames)
        {
            commands.Add($"sysctl -w net.netfilter.nf_conntrack_buckets={b}");
            commands.Add($"echo {b} > /sys/module/nf_conntrack/parameters/hashsize   # where nf_conntrack_buckets is read-only");
        }
        else
        {
            commands.Add($"echo 'options ip_conntrack hashsize={b}' > /etc/modprobe.d/ip_conntrack.conf   # then reload ip_conntrack (flushes the table) or reboot");
        }
        return new Recommendation(
            "set_buckets",
            $"Set the hash table to {N(newBuckets)} buckets (now {N(usage.Buckets)})",
            $"{(host.Settings.LegacyNames ? "ip_conntrack sized this table for 8 entries per bucket; current kernels use one bucket per allowed entry (max = buckets)" : "Current kernels size an automatic table with one bucket per allowed entry (max = buckets)")}: with {N(current)} buckets a full table of {N(forMax)} averages {(double.IsNaN(chain) ? "?" : chain.ToString("0.#", CultureInfo.InvariantCulture))} chain nodes per lookup, with {N(newBuckets)} it stays at 2 (every entry is linked twice). The kernel rounds the size up to a multiple of 512 (one page of 8-byte heads).",
            $"{Bytes(newBuckets * 8)} for the bucket array (now {Bytes(current * 8)}); resizing rehashes the table once. At boot, modprobe.d sets it (with hashsize= the default max becomes 8 × hashsize, so keep max in sysctl.d).",
            commands,
            Recommendation.NoSettings);
    }

    private static Recommendation? HalfOpen(TableSummary table)
    {
        long half = table.States.Where(s => s.Protocol == IpProtocol.Tcp && s.State is StateId.SynSent or StateId.SynRecv).Sum(s => s.Unreplied + (s.State == StateId.SynRecv ? s.Count - s.Unreplied : 0));
        if (table.Entries == 0 || half < table.Entries * 0.3)
            return null;
        var top = table.Sources.Top(3);
        string sources = string.Join(", ", top.Select(p => $"{p.Key} ({N(p.Value)})"));
        return new Recommendation(
            "dont_raise_half_open",
            $"Don't make room for half-open connections: {N(half)} entries ({Percent(100.0 * half / table.Entries)} %) are unanswered TCP handshakes",
            $"SYN_SENT/SYN_RECV entries without a completed handshake dominate: a SYN flood or a scan (top sources {sources}). A bigger table only holds more of them; they are never ASSURED, so early drop can evict them once the table is full, but new legitimate flows compete with the flood.",
            "syncookies cost nothing until the backlog overflows; shorter SYN timeouts (below) make unanswered attempts leave sooner",
            ["sysctl -w net.ipv4.tcp_syncookies=1", "nft add rule inet filter input tcp flags syn ct state new limit rate over 200/second drop   # or SYNPROXY in front of the service"],
            Recommendation.NoSettings);
    }

    private static Recommendation? Notrack(TableSummary table, bool legacy)
    {
        if (table.Entries == 0)
            return null;
        foreach (var (key, count) in table.DestinationPorts.Top(5))
        {
            byte protocol = (byte)(key >> 16);
            int port = key & 0xFFFF;
            if (protocol != 17 || count < table.Entries * NotrackShare)
                continue;
            long unreplied = table.UnrepliedDestinationPorts.CountOf(key);
            bool oneWay = unreplied * 2 >= count;
            if (!oneWay && !StatelessUdpPorts.Contains(port))
                continue;
            string p = port.ToString(CultureInfo.InvariantCulture);
            string target = legacy ? "-j NOTRACK" : "-j CT --notrack";
            return new Recommendation(
                "notrack",
                $"Stop tracking udp/{p}: {N(count)} entries ({Percent(100.0 * count / table.Entries)} % of the table)",
                $"{N(count)} entries are UDP to port {p}, {Percent(100.0 * unreplied / count)} % of them UNREPLIED: {(StatelessUdpPorts.Contains(port) ? "a stateless request/response or encapsulation protocol" : "one-way traffic")} that gains nothing from tracking and fills the table at packet rate. Raising the limit only postpones it; exempting it frees the room for good.",
                "rules matching ct state (established, related) no longer see this traffic: accept it explicitly in both directions; NAT cannot apply to untracked packets",
                [
                    "nft add table inet raw",
                    "nft 'add chain inet raw prerouting { type filter hook prerouting priority raw; }'",
                    "nft 'add chain inet raw output { type filter hook output priority raw; }'",
                    $"nft add rule inet raw prerouting udp dport {p} notrack",
                    $"nft add rule inet raw prerouting udp sport {p} notrack",
                    $"nft add rule inet raw output udp dport {p} notrack",
                    $"nft add rule inet raw output udp sport {p} notrack",
                    $"iptables -t raw -A PREROUTING -p udp --dport {p} {target}   # iptables hosts: also --sport {p}, and the same in OUTPUT",
                ],
                Recommendation.NoSettings);
        }
        return null;
    }

    private static Recommendation DontRaise(MemoryAssessment memory, TableUsage usage, long extra, long? newMax, bool noMemory)
    {
        var why = new StringBuilder();
        if (noMemory)
            why.Append("The kernel already fails to allocate entries while the table has room; a higher limit cannot help and a bigger table needs more of the memory that is missing. ");
        if (memory.PressureReason is { } pressure)
            why.Append(char.ToUpperInvariant(pressure[0])).Append(pressure.AsSpan(1)).Append(". ");
        if (newMax is long m && extra > 0 && memory.Available is long available)
            why.Append($"A full table at {N(m)} entries would need {Bytes(extra)} more, {Percent(100.0 * extra / Math.Max(1, available))} % of the {Bytes(available)} available. ");
        why.Append("Shorten timeouts and exempt stateless traffic instead.");
        return new Recommendation(
            "dont_raise_memory",
            "Don't raise nf_conntrack_max: memory is the limit",
            why.ToString().Trim(),
            "none",
            ["grep -E 'MemTotal|MemAvailable|MemFree|LowFree|Slab|SUnreclaim' /proc/meminfo", "slabtop -o -s c | head -15   # who holds kernel memory"],
            Recommendation.NoSettings);
    }

    private static Recommendation FreeMemory(MemoryAssessment memory)
    {
        // The kernel's default is sqrt(16 × low memory in kB); twice that keeps more pages for atomic allocations.
        long totalKb = (memory.MemTotal ?? (1L << 30)) / 1024;
        long current = (long)Math.Sqrt(16.0 * totalKb);
        long proposed = Math.Clamp(current * 2, 1024, 262_144);
        return new Recommendation(
            "free_memory",
            $"Keep more free pages for atomic allocations: vm.min_free_kbytes ≈ {N(proposed)}",
            $"Entries are allocated with GFP_ATOMIC in packet processing: they cannot wait for reclaim and fail as soon as free pages run short{(memory.Available is long a ? $" ({memory.AvailableSource} {Bytes(a)})" : "")}. The kernel's default reserve is √(16 × {N(totalKb)} kB) ≈ {N(current)} kB; doubling it lets bursts of allocations succeed. Find what holds the memory first (slabtop, SUnreclaim).",
            $"{N(proposed)} kB that ordinary allocations can no longer use",
            [$"sysctl -w vm.min_free_kbytes={proposed.ToString(CultureInfo.InvariantCulture)}"],
            new Dictionary<string, long> { ["vm.min_free_kbytes"] = proposed });
    }

    private static Recommendation InsertRaces(HostObservation host)
    {
        var c = host.Counters!;
        return new Recommendation(
            "insert_races",
            $"Find the racing flows: insert_failed = {N(c.Get("insert_failed"))}",
            $"Two packets of one new flow were processed in parallel and the second lost at confirmation. The kernel merges identical UDP/GRE races itself (clash_resolve = {N(c.Get("clash_resolve"))}); what remains are TCP/ICMP races or NAT picking the same tuple — classically DNS A and AAAA queries sent at once from one socket through NAT (glibc resolvers: options single-request-reopen; Kubernetes: NodeLocal DNSCache). A bigger table does not help.",
            "none",
            ["conntrack -S   # insert_failed, drop and clash_resolve per CPU; watch which grows", "echo 'options single-request-reopen' >> /etc/resolv.conf   # on NATed clients that race A/AAAA lookups"],
            Recommendation.NoSettings);
    }

    private static Recommendation DisableConntrack(bool legacy)
    {
        string content = legacy
            ? "install ip_conntrack /bin/true\ninstall iptable_nat /bin/true\n"
            : "install nf_conntrack /bin/true\ninstall nf_conntrack_ipv4 /bin/true\ninstall nf_nat /bin/true\ninstall iptable_nat /bin/true\n";
        return new Recommendation(
            "disable_conntrack",
            "Only if nothing here needs connection tracking: keep the modules from loading",
            "On a router or switch without NAT or stateful rules, tracking is loaded only because something touched it (e.g. `iptables -t nat -L`) and every forwarded flow then takes an entry. Without the modules there is no table to fill.",
            "NAT and every rule that matches ct state stop working; tools that expect the modules report errors; takes effect after a reboot",
            [$"cat > /etc/modprobe.d/no-conntrack.conf <<'EOF'\n{content}EOF"],
            Recommendation.NoSettings);
    }

    private static Recommendation LowerMax(HostObservation host, MemoryAssessment memory, ConntrackMemoryEstimate atMax, long ram)
    {
        double perEntry = memory.Profile.Geometry.EffectiveBytesPerObject + (memory.Extensions ? ConntrackMemoryModel.ExtensionBytesPerEntry : 0);
        long target = (long)Math.Max(1024, (ram / 10 - atMax.BucketBytes) / perEntry);
        long lowered = (long)BitOperations.RoundUpToPowerOf2((ulong)target) / 2;
        return new Recommendation(
            "lower_max",
            $"nf_conntrack_max lets the table take {Bytes(atMax.TotalBytes)} ({Percent(100.0 * atMax.TotalBytes / ram)} % of memory) when full",
            $"A flood could fill {N(atMax.Entries)} entries and take that much unswappable kernel memory. {N(lowered)} entries ({Bytes(ConntrackMemoryModel.Estimate(lowered, atMax.Buckets, memory.Profile, memory.Extensions).TotalBytes)}) keeps it near a tenth of memory.",
            "fewer concurrent flows fit: check the peak count before lowering",
            [$"sysctl -w {host.Settings.SysctlName("nf_conntrack_max")}={lowered.ToString(CultureInfo.InvariantCulture)}"],
            new Dictionary<string, long> { ["nf_conntrack_max"] = lowered });
    }

    /// <summary>The sysctl.d file with every proposed setting, and modprobe.d for the bucket count.</summary>
    private static void Persist(HostObservation host, PlanResult plan, string module)
    {
        var lines = new List<string>();
        foreach (var r in plan.Recommendations)
        {
            foreach (var (name, value) in r.Settings)
            {
                string key = name.Contains('.', StringComparison.Ordinal) ? name : host.Settings.SysctlName(name);
                lines.RemoveAll(l => l.StartsWith(key + " ", StringComparison.Ordinal));
                lines.Add($"{key} = {value.ToString(CultureInfo.InvariantCulture)}");
            }
        }
        if (lines.Count == 0 && plan.NewBuckets is null)
            return;
        var commands = new List<string>();
        if (lines.Count > 0)
        {
            plan.SysctlFile = new PersistentFile(SysctlFilePath, "# written from ctnet doctor's recommendations\n" + string.Join('\n', lines) + "\n");
            commands.Add($"cat > {SysctlFilePath} <<'EOF'\n{plan.SysctlFile.Content}EOF");
            // --system applies every sysctl.d file in boot order, so a later file cannot silently win at the next boot.
            commands.Add("sysctl --system");
            if (!host.Settings.LegacyNames)
                commands.Add("echo nf_conntrack > /etc/modules-load.d/conntrack.conf   # so the module exists when systemd-sysctl applies the file at boot");
        }
        if (plan.NewBuckets is long buckets)
        {
            plan.ModprobeFile = new PersistentFile($"/etc/modprobe.d/{module}.conf", $"options {module} hashsize={buckets.ToString(CultureInfo.InvariantCulture)}\n");
            commands.Add($"cat > {plan.ModprobeFile.Path} <<'EOF'\n{plan.ModprobeFile.Content}EOF");
            commands.Add($"# nf_conntrack built into the kernel (no module)? put {module}.hashsize={buckets.ToString(CultureInfo.InvariantCulture)} on the kernel command line instead");
        }
        plan.Recommendations.Add(new Recommendation(
            "persist",
            "Make the changes survive a reboot",
            "sysctl -w lasts until the next boot; the files below apply the same values at every boot.",
            "none",
            commands,
            Recommendation.NoSettings));
    }
}
