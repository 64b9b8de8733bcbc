namespace Conntrack.Capture;

/// <summary>What kind of damage an issue describes, and so which counter of <see cref="CaptureIssues"/> it feeds.</summary>
internal enum IssueKind
{
    /// <summary>A record was not delivered.</summary>
    Skipped,

    /// <summary>A record was cut short by the end of the file (also counts as skipped).</summary>
    Truncated,

    /// <summary>A record was delivered despite an anomaly.</summary>
    Suspicious,

    /// <summary>A record's time is earlier than the previous record's; it is delivered at the previous time.</summary>
    TimeBackwards,

    /// <summary>A record's time is far ahead of its neighbours'; it is delivered at a neighbour's time.</summary>
    TimeJump,

    /// <summary>A record's time does not fit 64-bit nanoseconds; it is delivered at a neighbour's time.</summary>
    TimestampOverflow,

    /// <summary>A pcap sub-second field is a whole second or more; it is carried into the seconds (a suspicious record).</summary>
    SubsecondOverflow,

    /// <summary>A pcapng interface's time unit cannot be converted; its packets are read in microseconds.</summary>
    TimestampResolution,

    /// <summary>Zeros where records should be (a pre-allocated file, or one a crash cut short): skipped as bytes.</summary>
    ZeroFill,

    /// <summary>Anything else: garbage, unusable blocks, stopping.</summary>
    Other,
}
