using System.Text;

namespace Conntrack.Cli.Output;

/// <summary>Passes text through line by line with the blanks at each line's end removed.</summary>
internal sealed class TrailingBlankTrimmer(TextWriter inner) : TextWriter
{
    private readonly StringBuilder _line = new();

    public override Encoding Encoding => inner.Encoding;

    public override void Write(char value)
    {
        if (value == '\n')
        {
            int end = _line.Length;
            while (end > 0 && _line[end - 1] is ' ' or '\r')
                end--;
            inner.Write(_line.ToString(0, end));
            inner.Write('\n');
            _line.Clear();
        }
        else
        {
            _line.Append(value);
        }
    }

    public override void Write(string? value)
    {
        foreach (char c in value ?? "")
            Write(c);
    }

    public override void Flush()
    {
        // A partial line is kept until its end is known; its blanks may yet turn out to be trailing.
        inner.Flush();
    }

    protected override void Dispose(bool disposing)
    {
        if (disposing && _line.Length > 0)
        {
            inner.Write(_line.ToString());
            _line.Clear();
        }
        base.Dispose(disposing);
    }
}
