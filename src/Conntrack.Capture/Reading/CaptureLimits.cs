namespace Conntrack.Capture;

/// <summary>Bounds that keep the reader's memory and work per record constant, whatever the input claims.</summary>
internal static class CaptureLimits
{
    /// <summary>Largest captured length accepted for one packet (pcap/pcapng writers default to 262144).</summary>
    public const int MaxCaptureLength = 256 * 1024;

    /// <summary>Largest pcapng block held in memory at once: a maximal packet plus room for options.</summary>
    public const int MaxBufferedBlock = MaxCaptureLength + (64 * 1024);

    /// <summary>How far the reader scans for a plausible header after corruption before giving up.</summary>
    public const int ResyncWindow = 64 * 1024;

    /// <summary>The input buffer never grows beyond this: a resync scan plus the block it lands on.</summary>
    public const int MaxBufferSize = MaxBufferedBlock + ResyncWindow + 64;

    /// <summary>Starting buffer size; large enough for typical records and efficient sequential reads.</summary>
    public const int InitialBufferSize = 64 * 1024;

    /// <summary>pcapng interfaces kept per section; more would let a hostile file allocate without bound.</summary>
    public const int MaxInterfaces = 4096;
}
