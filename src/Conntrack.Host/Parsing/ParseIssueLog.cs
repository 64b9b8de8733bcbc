using System.Text;

namespace Conntrack.Host.Parsing;

/// <summary>
/// Malformed lines of every input, counted per file, with the first few of each file kept for the
/// report. Bounded: a file of garbage costs a counter, not a list.
/// </summary>
public sealed class ParseIssueLog
{
    /// <summary>How many issues are kept per file; the rest are only counted.</summary>
    public const int KeptPerFile = 10;

    private const int ExcerptLength = 60;

    private readonly List<ParseIssue> _kept = [];
    private readonly Dictionary<string, long> _countByFile = new(StringComparer.Ordinal);

    /// <summary>Issues of every file, in the order they were found (at most <see cref="KeptPerFile"/> per file).</summary>
    public IReadOnlyList<ParseIssue> Kept => _kept;

    /// <summary>Issue count per file, including those not kept.</summary>
    public IReadOnlyDictionary<string, long> CountByFile => _countByFile;

    public long Total { get; private set; }

    public long CountFor(string file) => _countByFile.GetValueOrDefault(file);

    public void Add(string file, long line, string expected, ReadOnlySpan<char> found)
    {
        Total++;
        long count = _countByFile.GetValueOrDefault(file) + 1;
        _countByFile[file] = count;
        if (count <= KeptPerFile)
            _kept.Add(new ParseIssue(file, line, expected, Excerpt(found)));
    }

    /// <summary>A printable excerpt: control characters and invalid text shown as '?', long lines cut with '…'.</summary>
    public static string Excerpt(ReadOnlySpan<char> text)
    {
        var sb = new StringBuilder(Math.Min(text.Length, ExcerptLength) + 1);
        foreach (char c in text)
        {
            if (sb.Length == ExcerptLength)
            {
                sb.Append('…');
                break;
            }
            sb.Append(char.IsControl(c) || c == '\uFFFD' ? '?' : c);
        }
        return sb.ToString();
    }
}
