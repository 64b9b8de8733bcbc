namespace Conntrack.Capture;

/// <summary>What a pcapng Interface Description Block says about the packets that refer to it.</summary>
internal readonly struct PcapNgInterface
{
    private static readonly ulong[] PowersOfTen =
    [
        1, 10, 100, 1_000, 10_000, 100_000, 1_000_000, 10_000_000, 100_000_000, 1_000_000_000,
        10_000_000_000, 100_000_000_000, 1_000_000_000_000, 10_000_000_000_000, 100_000_000_000_000,
        1_000_000_000_000_000, 10_000_000_000_000_000, 100_000_000_000_000_000, 1_000_000_000_000_000_000,
        10_000_000_000_000_000_000,
    ];

    private readonly byte _resolution;   // if_tsresol as stored in the file
    private readonly long _offsetNanoseconds;

    public PcapNgInterface(LinkType linkType, uint snapLength, byte resolution, long offsetSeconds, bool valid)
    {
        LinkType = linkType;
        SnapLength = snapLength;
        _resolution = resolution;
        _offsetNanoseconds = unchecked(offsetSeconds * 1_000_000_000L);
        IsValid = valid;
    }

    /// <summary>Default if_tsresol: microseconds.</summary>
    public const byte DefaultResolution = 6;

    public LinkType LinkType { get; }

    /// <summary>0 means no limit.</summary>
    public uint SnapLength { get; }

    /// <summary>False when the description block was too short to use.</summary>
    public bool IsValid { get; }

    /// <summary>Whether the file's if_tsresol value can be converted (10^-0..10^-19 or 2^-0..2^-127).</summary>
    public static bool IsSupportedResolution(byte resolution) => (resolution & 0x80) != 0 || resolution < PowersOfTen.Length;

    /// <summary>Converts a timestamp in this interface's units to nanoseconds since the epoch.</summary>
    public long ToNanoseconds(ulong ticks)
    {
        long nanoseconds;
        if ((_resolution & 0x80) != 0)
        {
            // Power-of-two units: 128-bit product so fine resolutions cannot overflow mid-way.
            nanoseconds = (long)(ulong)(((UInt128)ticks * 1_000_000_000UL) >> (_resolution & 0x7F));
        }
        else if (_resolution <= 9)
        {
            nanoseconds = unchecked((long)(ticks * PowersOfTen[9 - _resolution]));
        }
        else
        {
            nanoseconds = (long)(ticks / PowersOfTen[_resolution - 9]);
        }

        return unchecked(nanoseconds + _offsetNanoseconds);
    }
}
