using System.Runtime.CompilerServices;
using Conntrack.Host.Parsing;
using Conntrack.Settings;

namespace Conntrack.Host.Tables;

/// <summary>The outcome of reading one table file.</summary>
public sealed class TableReadResult
{
    public required string File { get; init; }
    public required TableSummary Summary { get; init; }
    public long Lines { get; internal set; }
    public long Malformed { get; internal set; }

    /// <summary>The count conntrack printed on its last line ("N flow entries have been shown"), when saved with the table.</summary>
    public long? ShownByConntrack { get; internal set; }

    /// <summary>Set when the table was not read from lines (<c>ctnetlink</c>): then it is the <see cref="Format"/>.</summary>
    public string? Source { get; init; }

    /// <summary>Which format the lines were in, judged from the majority of entries and the file name.</summary>
    public string Format
    {
        get
        {
            if (Source is not null)
                return Source;
            var s = Summary;
            if (s.Entries == 0)
                return "empty";
            if (s.LinesWithL3Prefix * 2 >= s.Entries)
                return s.LinesWithZone * 2 >= s.Entries || File.EndsWith("nf_conntrack", StringComparison.Ordinal) ? "/proc/net/nf_conntrack" : "conntrack -L -o extended";
            return File.EndsWith("ip_conntrack", StringComparison.Ordinal) ? "/proc/net/ip_conntrack" : "conntrack -L (or /proc/net/ip_conntrack)";
        }
    }
}

/// <summary>Streams a table file through <see cref="ConntrackLineParser"/> into a <see cref="TableSummary"/>.</summary>
public static class TableReader
{
    public static TableReadResult Read(Stream stream, string fileLabel, ConntrackSettings timeouts, ParseIssueLog issues)
    {
        using var reader = new LineReader(stream);
        return Read(reader, fileLabel, timeouts, issues);
    }

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public static TableReadResult Read(LineReader reader, string fileLabel, ConntrackSettings timeouts, ParseIssueLog issues)
    {
        var result = new TableReadResult { File = fileLabel, Summary = new TableSummary(timeouts) };
        while (reader.TryReadLine(out var line))
        {
            result.Lines++;
            if (reader.Truncated)
            {
                result.Malformed++;
                issues.Add(fileLabel, reader.LineNumber, "a table line shorter than 16 KiB", line);
                continue;
            }
            switch (ConntrackLineParser.Parse(line, out var entry, out string expected))
            {
                case TableLineKind.Entry:
                    result.Summary.Add(entry);
                    break;
                case TableLineKind.Trailer:
                    result.ShownByConntrack = ShownCount(line);
                    break;
                case TableLineKind.Malformed:
                    result.Malformed++;
                    issues.Add(fileLabel, reader.LineNumber, expected, line);
                    break;
            }
        }
        return result;
    }

    private static long? ShownCount(ReadOnlySpan<char> line)
    {
        int colon = line.IndexOf("):", StringComparison.Ordinal);
        if (colon < 0)
            return null;
        int pos = colon + 2;
        return Tokens.Next(line, ref pos, out var number) && Tokens.TryLong(number, out long n) ? n : null;
    }
}
