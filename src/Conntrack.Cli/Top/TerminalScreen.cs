using System.Text;

namespace Conntrack.Cli.Top;

/// <summary>
/// The terminal as a grid of lines on the alternate screen: each draw rewrites only the lines that changed since
/// the last (no clearing, so no flicker), and everything after a resize. Restores the screen and cursor when disposed.
/// </summary>
internal sealed class TerminalScreen : IDisposable
{
    private const string Escape = "\u001b[";
    private readonly TextWriter _out;
    private string[] _shown = [];
    private LineStyle[] _styles = [];
    private (int Width, int Height) _size;

    public TerminalScreen(TextWriter output)
    {
        _out = output;
        _out.Write(Escape + "?1049h" + Escape + "?25l" + Escape + "2J");
        _out.Flush();
    }

    public void Draw(IReadOnlyList<ScreenLine> lines, int width, int height)
    {
        var output = new StringBuilder();
        if (_size != (width, height))
        {
            _size = (width, height);
            _shown = new string[height];
            _styles = new LineStyle[height];
            output.Append(Escape).Append("2J");
        }
        for (int row = 0; row < height; row++)
        {
            var line = row < lines.Count ? lines[row] : default;
            // The last cell of the last line is left empty: writing it makes some terminals scroll.
            int cells = row == height - 1 ? width - 1 : width;
            string text = line.Text ?? "";
            string padded = text.Length > cells ? text[..cells] : text.PadRight(cells);
            if (padded == _shown[row] && line.Style == _styles[row])
                continue;
            _shown[row] = padded;
            _styles[row] = line.Style;
            output.Append(Escape).Append(row + 1).Append(";1H").Append(Style(line.Style)).Append(padded).Append(Escape).Append("0m");
        }
        if (output.Length > 0)
        {
            _out.Write(output.ToString());
            _out.Flush();
        }
    }

    public void Dispose()
    {
        _out.Write(Escape + "0m" + Escape + "?25h" + Escape + "?1049l");
        _out.Flush();
    }

    private static string Style(LineStyle style) => style switch
    {
        LineStyle.Heading => Escape + "1m",
        LineStyle.Selected => Escape + "7m",
        LineStyle.Alert => Escape + "1;31m",
        _ => "",
    };
}
