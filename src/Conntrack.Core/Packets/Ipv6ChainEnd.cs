namespace Conntrack.Packets;

/// <summary>Why an <see cref="Ipv6ExtensionWalker"/> stopped.</summary>
public enum Ipv6ChainEnd : byte
{
    /// <summary>At a header the walk does not step over: the upper layer, No Next Header, ESP, or a fragment header it was told to stop at.</summary>
    Reached,

    /// <summary>A header's first 8 bytes run past the span, or there were more headers than allowed.</summary>
    Cut,

    /// <summary>A fragment header with a non-zero offset: what follows is not the upper-layer header.</summary>
    LaterFragment,
}
