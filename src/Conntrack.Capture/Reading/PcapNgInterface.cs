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

    private readonly Int128 _offsetNanoseconds;

    public PcapNgInterface(LinkType linkType, uint snapLength, byte resolution, long offsetSeconds, bool valid)
    {
        LinkType = linkType;
        SnapLength = snapLength;
        Resolution = resolution;
        OffsetSeconds = offsetSeconds;
        _offsetNanoseconds = (Int128)offsetSeconds * 1_000_000_000;
        IsValid = valid;
    }

    /// <summary>Default if_tsresol: microseconds.</summary>
    public const byte DefaultResolution = 6;

    public LinkType LinkType { get; }

    /// <summary>0 means no limit.</summary>
    public uint SnapLength { get; }

    /// <summary>if_tsresol as stored in the file: 10^-n seconds, or 2^-n when the top bit is set.</summary>
    public byte Resolution { get; }

    /// <summary>if_tsoffset: seconds added to every timestamp.</summary>
    public long OffsetSeconds { get; }

    /// <summary>False when the description block was too short to use.</summary>
    public bool IsValid { get; }

    /// <summary>The base of <see cref="Resolution"/>'s unit, for messages: "10^-" or "2^-".</summary>
    public string UnitBase => (Resolution & 0x80) != 0 ? "2^-" : "10^-";

    /// <summary>The exponent of <see cref="Resolution"/>'s unit, for messages.</summary>
    public int UnitExponent => Resolution & 0x7F;

    /// <summary>Whether the file's if_tsresol value can be converted (10^-0..10^-19 or 2^-0..2^-127).</summary>
    public static bool IsSupportedResolution(byte resolution) => (resolution & 0x80) != 0 || resolution < PowersOfTen.Length;

    /// <summary>
    /// Converts a timestamp in this interface's units to nanoseconds since the epoch; false when the
    /// result (coarse units times a large count, or a large if_tsoffset) does not fit 64 bits.
    /// </summary>
    public bool TryToNanoseconds(ulong ticks, out long nanoseconds)
    {
        // 128 bits hold any product here (2^64 ticks of 10^9 ns), so nothing overflows mid-way.
        Int128 exact;
        if ((Resolution & 0x80) != 0)
        {
            exact = (Int128)(((UInt128)ticks * 1_000_000_000UL) >> UnitExponent);
        }
        else if (Resolution <= 9)
        {
            exact = (Int128)ticks * PowersOfTen[9 - Resolution];
        }
        else
        {
            exact = ticks / PowersOfTen[Resolution - 9];
        }

        exact += _offsetNanoseconds;
        bool fits = exact >= long.MinValue && exact <= long.MaxValue;
        nanoseconds = fits ? (long)exact : 0;
        return fits;
    }
}
