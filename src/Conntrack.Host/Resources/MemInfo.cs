using Conntrack.Host.Parsing;

namespace Conntrack.Host.Resources;

/// <summary>
/// /proc/meminfo in bytes. <see cref="Available"/> is MemAvailable, or on kernels before 3.14
/// MemFree + Buffers + Cached (an optimistic estimate). On 32-bit highmem kernels the slab lives in
/// low memory, so <see cref="LowFree"/> is what conntrack can draw on.
/// </summary>
public sealed class MemInfo
{
    private readonly Dictionary<string, long> _bytes = new(StringComparer.Ordinal);

    public IReadOnlyDictionary<string, long> Bytes => _bytes;

    public long? Get(string key) => _bytes.TryGetValue(key, out long v) ? v : null;

    public long? Total => Get("MemTotal");
    public long? Free => Get("MemFree");

    public long? Available => Get("MemAvailable") ?? (Free is long free ? free + (Get("Buffers") ?? 0) + (Get("Cached") ?? 0) : null);

    public bool AvailableIsEstimate => !_bytes.ContainsKey("MemAvailable");

    public long? LowTotal => Get("LowTotal");
    public long? LowFree => Get("LowFree");
    public long? Slab => Get("Slab");
    public long? SlabUnreclaimable => Get("SUnreclaim");

    public static MemInfo Read(Stream stream, string fileLabel, ParseIssueLog issues)
    {
        using var reader = new LineReader(stream);
        var info = new MemInfo();
        while (reader.TryReadLine(out var line))
        {
            var trimmed = line.Trim();
            if (trimmed.IsEmpty)
                continue;
            // 2.4 kernels start with a byte table: "        total:    used: …", "Mem:  …", "Swap: …".
            if (trimmed.StartsWith("total:") || trimmed.StartsWith("Mem:") || trimmed.StartsWith("Swap:"))
                continue;
            int colon = trimmed.IndexOf(':');
            if (colon <= 0 || reader.Truncated || Tokens.LooksBinary(trimmed))
            {
                issues.Add(fileLabel, reader.LineNumber, "'Name:   value kB'", line);
                continue;
            }
            var rest = trimmed[(colon + 1)..];
            int pos = 0;
            if (!Tokens.Next(rest, ref pos, out var number) || !Tokens.TryLong(number, out long value))
            {
                issues.Add(fileLabel, reader.LineNumber, "a number after the name", line);
                continue;
            }
            bool kb = Tokens.Next(rest, ref pos, out var unit) && unit.SequenceEqual("kB");
            info._bytes[trimmed[..colon].ToString()] = kb ? value * 1024 : value;
        }
        return info;
    }
}
