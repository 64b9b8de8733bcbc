namespace Conntrack.Host.Tables;

/// <summary>What one line of a table file turned out to be.</summary>
public enum TableLineKind
{
    Entry,
    Blank,

    /// <summary><c>conntrack v1.4.7 (conntrack-tools): N flow entries have been shown.</c> (stderr saved with the table).</summary>
    Trailer,
    Malformed,
}
