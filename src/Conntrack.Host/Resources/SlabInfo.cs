using Conntrack.Host.Parsing;

namespace Conntrack.Host.Resources;

/// <summary>
/// The conntrack caches of /proc/slabinfo: <c>nf_conntrack</c>, the 2.4/2.6 <c>ip_conntrack</c>, and the
/// 3.x per-netns <c>nf_conntrack_ffff…</c> caches (summed). Versions 1.x (2.4: active/total slabs and pages
/// per slab, no objects-per-slab column) and 2.x (SLAB and SLUB) are understood.
/// </summary>
public sealed class SlabInfo
{
    public string? Version { get; init; }
    public required IReadOnlyList<SlabCache> ConntrackCaches { get; init; }

    /// <summary>All conntrack caches as one: geometry of the first, objects and slabs summed; null when there is none.</summary>
    public SlabCache? Combined
    {
        get
        {
            if (ConntrackCaches.Count == 0)
                return null;
            var first = ConntrackCaches[0];
            if (ConntrackCaches.Count == 1)
                return first;
            return first with
            {
                Name = $"{first.Name} (+{ConntrackCaches.Count - 1} per-netns caches)",
                ActiveObjects = ConntrackCaches.Sum(c => c.ActiveObjects),
                TotalObjects = ConntrackCaches.Sum(c => c.TotalObjects),
                ActiveSlabs = ConntrackCaches.Sum(c => c.ActiveSlabs),
                TotalSlabs = ConntrackCaches.Sum(c => c.TotalSlabs),
            };
        }
    }

    /// <summary>True for the entry caches; false for <c>nf_conntrack_expect</c> and other helpers' caches.</summary>
    public static bool IsConntrackCache(ReadOnlySpan<char> name)
    {
        if (name.SequenceEqual("nf_conntrack") || name.SequenceEqual("ip_conntrack"))
            return true;
        // 3.x: one cache per netns, "nf_conntrack_" + the struct net address in hex.
        if (!name.StartsWith("nf_conntrack_") || name.Length < "nf_conntrack_".Length + 8)
            return false;
        foreach (char c in name["nf_conntrack_".Length..])
        {
            if (!char.IsAsciiHexDigit(c))
                return false;
        }
        return true;
    }

    public static SlabInfo Read(Stream stream, string fileLabel, int pageSize, ParseIssueLog issues)
    {
        using var reader = new LineReader(stream);
        string? version = null;
        var caches = new List<SlabCache>();
        Span<long> numbers = stackalloc long[16];
        while (reader.TryReadLine(out var line))
        {
            if (line.Trim().IsEmpty)
                continue;
            if (line.StartsWith("slabinfo - version:"))
            {
                version = line["slabinfo - version:".Length..].Trim().ToString();
                continue;
            }
            if (line.StartsWith("#"))
                continue;
            if (reader.Truncated || Tokens.LooksBinary(line))
            {
                issues.Add(fileLabel, reader.LineNumber, "a slab cache line (name and counts)", line);
                continue;
            }
            int pos = 0;
            Tokens.Next(line, ref pos, out var name);
            // Only the numbers before the first ':' after the name describe the cache; tunables/slabdata
            // follow. A name holding a colon ("MemTotal:" of a misplaced meminfo) leaves no numbers.
            int colon = line[pos..].IndexOf(':');
            var head = colon >= 0 ? line[..(pos + colon)] : line;
            int count = 0;
            bool bad = false;
            while (Tokens.Next(head, ref pos, out var token))
            {
                if (count == numbers.Length || !Tokens.TryLong(token, out numbers[count]))
                {
                    bad = true;
                    break;
                }
                count++;
            }
            bool v2 = line.Contains("slabdata", StringComparison.Ordinal) || (version is not null && !version.StartsWith('1'));
            if (bad || count < 5)
            {
                issues.Add(fileLabel, reader.LineNumber, "name followed by at least five numbers (active objects, objects, size, …)", line);
                continue;
            }
            if (!IsConntrackCache(name))
                continue;
            if (numbers[2] is <= 0 or > 1 << 20)
            {
                issues.Add(fileLabel, reader.LineNumber, "an object size between 1 and 1 MiB", line);
                continue;
            }
            int objectSize = (int)numbers[2];
            if (v2)
            {
                // 2.x: active_objs num_objs objsize objperslab pagesperslab : tunables … : slabdata active_slabs num_slabs sharedavail
                int perSlab = (int)Math.Clamp(numbers[3], 1, int.MaxValue);
                int pages = (int)Math.Clamp(numbers[4], 1, 1 << 20);
                (long activeSlabs, long totalSlabs) = SlabData(line, numbers[1], perSlab);
                caches.Add(new SlabCache(name.ToString(), numbers[0], numbers[1], objectSize, perSlab, pages, activeSlabs, totalSlabs));
            }
            else
            {
                // 1.x (2.4): active_objs num_objs objsize active_slabs num_slabs pagesperslab [: limit batchcount]
                int pages = count >= 6 ? (int)Math.Clamp(numbers[5], 1, 1 << 20) : 1;
                long totalSlabs = numbers[4];
                int perSlab = totalSlabs > 0 && numbers[1] > 0
                    ? (int)Math.Max(1, numbers[1] / totalSlabs)
                    : Math.Max(1, pages * pageSize / objectSize);
                caches.Add(new SlabCache(name.ToString(), numbers[0], numbers[1], objectSize, perSlab, pages, numbers[3], totalSlabs));
            }
        }
        return new SlabInfo { Version = version, ConntrackCaches = caches };
    }

    private static (long Active, long Total) SlabData(ReadOnlySpan<char> line, long totalObjects, int perSlab)
    {
        int at = line.IndexOf("slabdata", StringComparison.Ordinal);
        if (at >= 0)
        {
            int pos = at + "slabdata".Length;
            if (Tokens.Next(line, ref pos, out var active) && Tokens.TryLong(active, out long a)
                && Tokens.Next(line, ref pos, out var total) && Tokens.TryLong(total, out long t))
                return (a, t);
        }
        long slabs = (totalObjects + perSlab - 1) / perSlab;
        return (slabs, slabs);
    }
}
