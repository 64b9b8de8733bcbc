using System.Runtime.CompilerServices;
using Conntrack.Host.Parsing;

namespace Conntrack.Host.Counters;

/// <summary>
/// Reads <c>/proc/net/stat/nf_conntrack</c> (hex, one row per CPU, every header generation) and
/// <c>conntrack -S</c> output (<c>cpu=N found=… invalid=…</c>, or the <c>name value</c> fallback
/// conntrack prints from /proc). Rows are summed, except <c>entries</c>. Bad rows are reported and skipped.
/// </summary>
public static class CounterParser
{
    public static ConntrackCounters? Read(Stream stream, string fileLabel, ParseIssueLog issues)
    {
        using var reader = new LineReader(stream);
        return Read(reader, fileLabel, issues);
    }

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public static ConntrackCounters? Read(LineReader reader, string fileLabel, ParseIssueLog issues)
    {
        string[]? header = null;
        ConntrackCounters? counters = null;
        while (reader.TryReadLine(out var line))
        {
            if (line.Trim().IsEmpty)
                continue;
            if (reader.Truncated || Tokens.LooksBinary(line))
            {
                issues.Add(fileLabel, reader.LineNumber, "a text line of counters", line);
                continue;
            }
            var trimmed = line.TrimStart();
            if (counters is null)
            {
                if (trimmed.StartsWith("entries") && !trimmed[7..].TrimStart().IsEmpty && !Tokens.IsNumber(Second(trimmed)))
                {
                    header = Split(trimmed);
                    bool sixX = header.Contains("clashres") || header.Contains("chainlength");
                    counters = new ConntrackCounters { File = fileLabel, Format = sixX ? "/proc/net/stat (6.x header)" : "/proc/net/stat (2.6–5.x header)" };
                    continue;
                }
                if (trimmed.StartsWith("cpu="))
                    counters = new ConntrackCounters { File = fileLabel, Format = "conntrack -S" };
                else if (IsNameValue(trimmed))
                    counters = new ConntrackCounters { File = fileLabel, Format = "conntrack -S (name value)" };
                else
                {
                    issues.Add(fileLabel, reader.LineNumber, "a header starting with 'entries' or conntrack -S lines (cpu=N name=value …)", line);
                    continue;
                }
            }

            if (header is not null)
                AddHexRow(counters, header, trimmed, fileLabel, reader.LineNumber, line, issues);
            else if (trimmed.StartsWith("cpu="))
                AddCpuLine(counters, trimmed, fileLabel, reader.LineNumber, line, issues);
            else if (IsNameValue(trimmed))
                AddNameValue(counters, trimmed);
            else
                issues.Add(fileLabel, reader.LineNumber, "cpu=N name=value … or 'name value'", line);
        }
        return counters;
    }

    private static void AddHexRow(ConntrackCounters counters, string[] header, ReadOnlySpan<char> row, string file, long lineNumber, ReadOnlySpan<char> line, ParseIssueLog issues)
    {
        Span<long> values = stackalloc long[64];
        int count = 0, pos = 0;
        while (Tokens.Next(row, ref pos, out var token))
        {
            if (count == values.Length || !Tokens.TryHex(token, out long v))
            {
                issues.Add(file, lineNumber, $"{header.Length} hexadecimal columns as in the header", line);
                return;
            }
            // The kernel prints each per-CPU counter as %08x of an unsigned int: more is not a counter.
            if (v > uint.MaxValue)
            {
                issues.Add(file, lineNumber, $"{header.Length} hexadecimal columns of 32-bit counters (found {token.ToString()})", line);
                return;
            }
            values[count++] = v;
        }
        if (count != header.Length)
        {
            issues.Add(file, lineNumber, $"{header.Length} hexadecimal columns as in the header (found {count})", line);
            return;
        }
        counters.CpuRows++;
        for (int i = 0; i < count; i++)
        {
            if (header[i] == "entries")
                counters.Entries = Math.Max(counters.Entries ?? 0, values[i]);
            else
                counters.Add(ConntrackCounters.CanonicalName(header[i]), values[i]);
        }
    }

    private static void AddCpuLine(ConntrackCounters counters, ReadOnlySpan<char> row, string file, long lineNumber, ReadOnlySpan<char> line, ParseIssueLog issues)
    {
        var pairs = new List<(string, long)>();
        int pos = 0;
        bool first = true;
        while (Tokens.Next(row, ref pos, out var token))
        {
            int eq = token.IndexOf('=');
            // conntrack -S prints the kernel's 32-bit per-CPU counters.
            if (eq <= 0 || !Tokens.TryLong(token[(eq + 1)..], out long v) || v > uint.MaxValue)
            {
                issues.Add(file, lineNumber, "name=value pairs with 32-bit decimal values after cpu=N", line);
                return;
            }
            if (first)
            {
                first = false;
                if (token[..eq].SequenceEqual("cpu"))
                    continue;
            }
            pairs.Add((token[..eq].ToString(), v));
        }
        counters.CpuRows++;
        foreach (var (name, value) in pairs)
        {
            if (name == "entries")
                counters.Entries = Math.Max(counters.Entries ?? 0, value);
            else
                counters.Add(ConntrackCounters.CanonicalName(name), value);
        }
    }

    private static void AddNameValue(ConntrackCounters counters, ReadOnlySpan<char> row)
    {
        int pos = 0;
        Tokens.Next(row, ref pos, out var name);
        Tokens.Next(row, ref pos, out var value);
        Tokens.TryLong(value, out long v);
        counters.CpuRows = 1;
        if (name.SequenceEqual("entries"))
            counters.Entries = v;
        else
            counters.Add(ConntrackCounters.CanonicalName(name.ToString()), v);
    }

    private static bool IsNameValue(ReadOnlySpan<char> row)
    {
        int pos = 0;
        return Tokens.Next(row, ref pos, out var name) && name.IndexOf('=') < 0 && !Tokens.IsNumber(name)
            && Tokens.Next(row, ref pos, out var value) && Tokens.IsNumber(value) && !Tokens.Next(row, ref pos, out _);
    }

    private static ReadOnlySpan<char> Second(ReadOnlySpan<char> row)
    {
        int pos = 0;
        Tokens.Next(row, ref pos, out _);
        Tokens.Next(row, ref pos, out var second);
        return second;
    }

    private static string[] Split(ReadOnlySpan<char> row)
    {
        var names = new List<string>();
        int pos = 0;
        while (Tokens.Next(row, ref pos, out var token))
            names.Add(token.ToString());
        return [.. names];
    }
}
