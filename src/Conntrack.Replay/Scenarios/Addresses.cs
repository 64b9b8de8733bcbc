namespace Conntrack.Replay.Scenarios;

/// <summary>Address plans of the generated scenarios: private clients, documentation-range servers.</summary>
internal static class Addresses
{
    public const uint WebServer = 0xC000020A;    // 192.0.2.10
    public const uint Resolver = 0xC0000235;     // 192.0.2.53
    public const uint Monitor = 0x0A0000FE;      // 10.0.0.254
    public const uint ScanTarget = 0xC6336414;   // 198.51.100.20
    public const uint Scanner = 0xCB00710D;      // 203.0.113.13

    /// <summary>One of <paramref name="clients"/> hosts in 10.1.0.0/16 and up.</summary>
    public static uint Client(Random random, int clients) => 0x0A010000u + 1 + (uint)random.Next(0, Math.Max(1, clients));

    /// <summary>A server on the internet side: 198.18.0.0/15 (benchmarking range), varied.</summary>
    public static uint InternetServer(Random random) => 0xC6120000u + 1 + (uint)random.Next(0, 0x1FFFE);

    /// <summary>A spoofed source: any unicast address outside the martian ranges a router drops.</summary>
    public static uint Spoofed(Random random)
    {
        while (true)
        {
            uint a = (uint)random.NextInt64(0x01000000, 0xE0000000);
            byte first = (byte)(a >> 24);
            if (first is not (0 or 10 or 127))
                return a;
        }
    }
}
