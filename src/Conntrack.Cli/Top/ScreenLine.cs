namespace Conntrack.Cli.Top;

/// <summary>How a whole line of the top view is drawn.</summary>
internal enum LineStyle
{
    Plain,
    Heading,
    Selected,
    Alert,
}

/// <summary>One line of the top view, its text already fitted to the terminal's width.</summary>
internal readonly record struct ScreenLine(string Text, LineStyle Style = LineStyle.Plain);
