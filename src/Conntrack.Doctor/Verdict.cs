namespace Conntrack.Doctor;

/// <summary>The doctor's one-word answer.</summary>
public enum Verdict
{
    /// <summary>Room to spare, no drops.</summary>
    Healthy,

    /// <summary>No drops yet, but the table is at or above 80 % of nf_conntrack_max.</summary>
    Filling,

    /// <summary>Packets dropped because the table was full (<c>table full, dropping packet</c>).</summary>
    DroppingFull,

    /// <summary>Packets dropped because the kernel could not allocate an entry (<c>Can't alloc conntrack</c>).</summary>
    DroppingMemory,

    /// <summary>Confirmation failed: two packets of one new flow raced (<c>insert_failed</c>).</summary>
    InsertRaces,

    /// <summary>Hash chains too long: too few buckets for the entries (<c>chaintoolong</c>, or many entries per bucket).</summary>
    LongChains,

    /// <summary>No verdict: an input it needs was present but unusable (refused, or nothing in it could be parsed).</summary>
    Unknown,
}

/// <summary>Names of verdicts in JSON and in words.</summary>
public static class VerdictText
{
    public static string Json(Verdict verdict) => verdict switch
    {
        Verdict.Healthy => "healthy",
        Verdict.Filling => "filling",
        Verdict.DroppingFull => "dropping_full",
        Verdict.DroppingMemory => "dropping_memory",
        Verdict.InsertRaces => "insert_races",
        Verdict.Unknown => "unknown",
        _ => "long_chains",
    };

    public static string Words(Verdict verdict) => verdict switch
    {
        Verdict.Healthy => "healthy",
        Verdict.Filling => "filling up",
        Verdict.DroppingFull => "dropping packets: table full",
        Verdict.DroppingMemory => "dropping packets: no memory for new entries",
        Verdict.InsertRaces => "dropping packets: insert races",
        Verdict.Unknown => "unknown: an input was unusable",
        _ => "long hash chains",
    };
}
