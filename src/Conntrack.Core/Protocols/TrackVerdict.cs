namespace Conntrack.Protocols;

/// <summary>A tracker's answer for one packet.</summary>
internal enum TrackVerdict : byte
{
    /// <summary>Accepted; refresh the entry with the returned timeout and account the packet.</summary>
    Accept,

    /// <summary>Accepted without refreshing or accounting (TCP IGNORE, SYN retransmission before a reply).</summary>
    AcceptUntouched,

    /// <summary>Accepted, then the entry is removed (TCP RST before any reply).</summary>
    AcceptAndDelete,

    /// <summary>The packet is invalid: no ct attached, stat <c>invalid</c>.</summary>
    Invalid,

    /// <summary>The old entry must go and the packet be looked up again (TCP reopen from TIME_WAIT/CLOSE).</summary>
    Repeat,
}
