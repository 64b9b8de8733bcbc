namespace Conntrack.Replay;

/// <summary>Where the capture was taken, and so at which hook conntrack meets each of its packets.</summary>
public enum CaptureView
{
    /// <summary>On a router: every packet arrives from a wire (PRE_ROUTING); loopback and martians are refused.</summary>
    Router,

    /// <summary>
    /// On an end host: the host's own packets (loopback included) are tracked at LOCAL_OUT, without
    /// the receive checks and checksum verification; what arrives from a wire still meets PRE_ROUTING.
    /// </summary>
    Host,
}

/// <summary>The view a replay used, and why: requested, or what in the capture chose it.</summary>
public sealed record ViewChoice(CaptureView View, string Reason, bool Requested);
