namespace Conntrack.Capture;

/// <summary>TCP header flag bits (byte 13 of the TCP header), for <see cref="PacketBuilder"/>.</summary>
[Flags]
public enum TcpFlags : byte
{
    /// <summary>No flags.</summary>
    None = 0,

    /// <summary>No more data from sender.</summary>
    Fin = 1,

    /// <summary>Synchronise sequence numbers.</summary>
    Syn = 2,

    /// <summary>Reset the connection.</summary>
    Rst = 4,

    /// <summary>Push function.</summary>
    Psh = 8,

    /// <summary>Acknowledgment field is significant.</summary>
    Ack = 16,

    /// <summary>Urgent pointer field is significant.</summary>
    Urg = 32,

    /// <summary>ECN echo.</summary>
    Ece = 64,

    /// <summary>Congestion window reduced.</summary>
    Cwr = 128,
}
