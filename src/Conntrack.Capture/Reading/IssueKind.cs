namespace Conntrack.Capture;

/// <summary>Which counter of <see cref="CaptureIssues"/> an issue feeds.</summary>
internal enum IssueKind
{
    /// <summary>A record was not delivered.</summary>
    Skipped,

    /// <summary>A record was cut short by the end of the file (also counts as skipped).</summary>
    Truncated,

    /// <summary>A record was delivered despite an anomaly.</summary>
    Suspicious,

    /// <summary>Anything else: garbage, unusable blocks, stopping.</summary>
    Other,
}
