namespace Conntrack.Doctor;

/// <summary>A monitoring check's state; the values are the exit codes of the monitoring-plugins guidelines.</summary>
public enum CheckStatus
{
    Ok = 0,
    Warning = 1,
    Critical = 2,

    /// <summary>The check could not be made: unusable inputs or a usage error.</summary>
    Unknown = 3,
}
