namespace Conntrack.Protocols;

/// <summary>UDP state kept inline in an entry (kernel <c>struct nf_ct_udp</c>).</summary>
public struct UdpConnection
{
    /// <summary>First packet + 2 s (capture nanoseconds): replies after it make a stream (<c>stream_ts</c>).</summary>
    public long StreamDeadline;
}
