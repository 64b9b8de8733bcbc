namespace Conntrack.Packets;

/// <summary>
/// IPv6 next-header values of the extension headers (RFC 8200 §4, AH RFC 4302, ESP RFC 4303) and how
/// long each one is.
/// </summary>
public static class Ipv6ExtensionHeader
{
    public const byte HopByHop = 0;
    public const byte Routing = 43;
    public const byte Fragment = 44;

    /// <summary>Encapsulating Security Payload: what follows is encrypted, so a walk ends here as at an upper layer.</summary>
    public const byte Esp = 50;

    public const byte Authentication = 51;
    public const byte NoNextHeader = 59;
    public const byte DestinationOptions = 60;

    /// <summary>Where the fixed header names its first next header, and the fixed header's length.</summary>
    public const int FirstNextHeaderField = 6;
    public const int FixedHeaderLength = 40;

    /// <summary>The least any extension header takes: its walk needs these bytes before stepping over it.</summary>
    public const int MinimumLength = 8;

    public const int FragmentHeaderLength = 8;

    /// <summary>
    /// The length of a header of <paramref name="type"/> whose length byte (its second) is
    /// <paramref name="lengthField"/>: AH counts 4-byte units beyond the first two, the others 8-byte
    /// units beyond the first; the fragment header has no length byte.
    /// </summary>
    public static int Length(byte type, byte lengthField) => type switch
    {
        Fragment => FragmentHeaderLength,
        Authentication => (lengthField + 2) * 4,
        _ => (lengthField + 1) * 8,
    };
}
