namespace Conntrack.Table;

/// <summary>
/// The kernel's per-netns conntrack counters (<c>struct ip_conntrack_stat</c>), summed over CPUs,
/// under the names <c>conntrack -S</c> prints. Counted with the kernel's 6.x rules: normal
/// confirmation does not bump <see cref="Insert"/>, lookups do not bump <see cref="Found"/>.
/// </summary>
public struct ConntrackStatistics
{
    public long Found;
    public long Invalid;
    public long Insert;
    public long InsertFailed;
    public long Drop;
    public long EarlyDrop;
    public long Error;
    public long SearchRestart;
    public long ClashResolve;
    public long ChainTooLong;
    public long ExpectNew;
    public long ExpectCreate;
    public long ExpectDelete;

    /// <summary>Adds another set of counters (one partition's, as the kernel sums its per-CPU ones).</summary>
    internal void Add(in ConntrackStatistics other)
    {
        Found += other.Found;
        Invalid += other.Invalid;
        Insert += other.Insert;
        InsertFailed += other.InsertFailed;
        Drop += other.Drop;
        EarlyDrop += other.EarlyDrop;
        Error += other.Error;
        SearchRestart += other.SearchRestart;
        ClashResolve += other.ClashResolve;
        ChainTooLong += other.ChainTooLong;
        ExpectNew += other.ExpectNew;
        ExpectCreate += other.ExpectCreate;
        ExpectDelete += other.ExpectDelete;
    }

    /// <summary>Counter names and values in the order <c>conntrack -S</c> prints them, then the expectation counters.</summary>
    public readonly IReadOnlyList<KeyValuePair<string, long>> ToList() =>
    [
        new("found", Found),
        new("invalid", Invalid),
        new("insert", Insert),
        new("insert_failed", InsertFailed),
        new("drop", Drop),
        new("early_drop", EarlyDrop),
        new("error", Error),
        new("search_restart", SearchRestart),
        new("clash_resolve", ClashResolve),
        new("chaintoolong", ChainTooLong),
        new("expect_new", ExpectNew),
        new("expect_create", ExpectCreate),
        new("expect_delete", ExpectDelete),
    ];
}
