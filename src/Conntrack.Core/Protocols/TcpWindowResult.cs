namespace Conntrack.Protocols;

/// <summary>Outcome of the window check (<c>enum nf_ct_tcp_action</c>).</summary>
internal enum TcpWindowResult : byte
{
    Accept,

    /// <summary>Let the packet through but change nothing (retransmitted or overly delayed data).</summary>
    Ignore,

    /// <summary>The packet does not fit the window: invalid.</summary>
    Invalid,
}
