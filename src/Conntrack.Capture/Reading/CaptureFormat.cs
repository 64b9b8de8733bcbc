namespace Conntrack.Capture;

/// <summary>The container format of a capture file.</summary>
public enum CaptureFormat
{
    /// <summary>Classic libpcap format (microsecond or nanosecond timestamps).</summary>
    Pcap,

    /// <summary>pcapng (block-based; several interfaces and sections per file).</summary>
    PcapNg,
}
