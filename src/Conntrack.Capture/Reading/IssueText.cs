using System.Globalization;
using System.Runtime.CompilerServices;

namespace Conntrack.Capture;

/// <summary>
/// Interpolated-string handler for issue reasons: formats only while the issue list still keeps
/// details, so a file with millions of bad records costs counters, not strings.
/// </summary>
[InterpolatedStringHandler]
internal ref struct IssueText
{
    private DefaultInterpolatedStringHandler _inner;
    private readonly bool _enabled;

    public IssueText(int literalLength, int formattedCount, CaptureIssues issues, out bool shouldAppend)
    {
        _enabled = issues.KeepsDetail;
        shouldAppend = _enabled;
        _inner = _enabled
            ? new DefaultInterpolatedStringHandler(literalLength, formattedCount, CultureInfo.InvariantCulture)
            : default;
    }

    public void AppendLiteral(string value) => _inner.AppendLiteral(value);

    public void AppendFormatted<T>(T value) => _inner.AppendFormatted(value);

    public void AppendFormatted<T>(T value, string? format) => _inner.AppendFormatted(value, format);

    public string ToStringAndClear() => _enabled ? _inner.ToStringAndClear() : string.Empty;
}
