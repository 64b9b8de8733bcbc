namespace Conntrack.Monitor.Top;

/// <summary>
/// The top view's header from the namespaces' latest snapshots: sums and the fullest namespace's verdict; drops per
/// second from each namespace's last two snapshots (the counters are cumulative).
/// </summary>
internal sealed class TopHeaders
{
    private readonly Dictionary<string, DropRates> _drops = new(StringComparer.Ordinal);

    public TopHeader Of(IReadOnlyList<NamespaceSnapshot> snapshots)
    {
        var rates = snapshots.Select(Rates).ToList();
        var fullest = snapshots.MaxBy(s => s.Max > 0 ? (double)s.Entries / s.Max : s.Entries)!;
        var doctor = DoctorView.Of(fullest);
        return new TopHeader(
            snapshots.Sum(s => s.Entries), snapshots.Max(s => s.Max), snapshots.Max(s => s.Buckets),
            snapshots.Sum(s => s.CreatedPerSecond), snapshots.Sum(s => s.DestroyedPerSecond),
            rates.Sum(r => r.Drops), rates.Sum(r => r.EarlyDrops), snapshots.Sum(s => s.Stat("insert_failed")),
            snapshots.Min(s => s.TimeToFullSeconds) is var full && double.IsFinite(full) ? full : null,
            // The bucket array is the host's, the same in every namespace: counted once.
            snapshots.Sum(s => s.Memory.EntriesBytes + s.Memory.ExtensionsBytes) + snapshots.Max(s => s.Memory.BucketsBytes),
            snapshots.Sum(s => s.EventsLost), doctor.Verdict, doctor.Headline);
    }

    private (double Drops, double EarlyDrops) Rates(NamespaceSnapshot snapshot)
    {
        if (!_drops.TryGetValue(snapshot.Netns, out var rates) || !ReferenceEquals(rates.Current, snapshot))
            _drops[snapshot.Netns] = rates = new DropRates(snapshot, rates?.Current);
        return (rates.Drops, rates.EarlyDrops);
    }

    private sealed class DropRates(NamespaceSnapshot current, NamespaceSnapshot? previous)
    {
        public NamespaceSnapshot Current { get; } = current;
        public double Drops { get; } = PerSecond(current, previous, "drop");
        public double EarlyDrops { get; } = PerSecond(current, previous, "early_drop");

        private static double PerSecond(NamespaceSnapshot now, NamespaceSnapshot? before, string stat)
        {
            double seconds = before is null ? 0 : (now.Taken - before.Taken).TotalSeconds;
            return seconds > 0 ? Math.Max(0, now.Stat(stat) - before!.Stat(stat)) / seconds : 0;
        }
    }
}
