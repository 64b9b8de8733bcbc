using System.Text;
using Conntrack.Cli.Input;
using Conntrack.Monitor.Top;

namespace Conntrack.Cli.Top;

/// <summary>
/// The interactive state of <c>ctnet top</c> and what each key does to it, iptstate's keys where they exist:
/// g grouping, l list, b sort column, r reverse, f or / filter, d delete (after y, and only with --allow-delete),
/// h help, q quit, arrows and page keys to move. Knows nothing of the terminal: keys in, lines out.
/// </summary>
internal sealed class TopController(TopQuery initial, bool allowDelete, Func<TopEntryRow, bool> deleteEntry, Func<TopGroupRow, long> deleteGroup)
{
    private readonly StringBuilder _typed = new();
    private Prompt _prompt;
    private object? _deleting;
    private string _status = "";
    private bool _help;
    private int _selected;

    private enum Prompt
    {
        None,
        Filter,
        ConfirmDelete,
    }

    public TopQuery Query { get; private set; } = initial;

    public bool Quit { get; private set; }

    /// <summary>The page follows the terminal's height.</summary>
    public void FitRows(int rows)
    {
        if (rows != Query.Rows)
            Query = Query with { Rows = rows };
    }

    public void Handle(ConsoleKeyInfo key, TopFrame? frame)
    {
        switch (_prompt)
        {
            case Prompt.Filter:
                Typing(key);
                return;
            case Prompt.ConfirmDelete:
                Confirming(key);
                return;
        }
        _status = "";
        int shown = frame is null ? 0 : frame.ListEntries ? frame.Entries.Count : frame.Groups.Count;
        switch (key.Key)
        {
            case ConsoleKey.UpArrow: Move(-1, shown); return;
            case ConsoleKey.DownArrow: Move(1, shown); return;
            case ConsoleKey.PageUp: Page(-Query.Rows, shown); return;
            case ConsoleKey.PageDown: Page(Query.Rows, shown); return;
            case ConsoleKey.Home: Page(-Query.Offset, shown); return;
            case ConsoleKey.Escape: Quit = !_help; _help = false; return;
        }
        switch (char.ToLowerInvariant(key.KeyChar))
        {
            case 'q': Quit = true; break;
            case 'g': Requery(Query with { Grouping = TopGroupings.Next(Query.Grouping), ListEntries = false }); break;
            case 'l': Requery(Query with { ListEntries = !Query.ListEntries }); break;
            case 'b' when Query.ListEntries: Requery(Query with { SortBy = (TopColumn)(((int)Query.SortBy + 1) % Enum.GetValues<TopColumn>().Length) }); break;
            case 'b': _status = "groups are sorted by entries: r reverses; b sorts the list (l)"; break;
            case 'r': Requery(Query with { Reverse = !Query.Reverse }); break;
            case 'f' or '/': _prompt = Prompt.Filter; _typed.Clear().Append(Query.FilterText); break;
            case 'h' or '?': _help = !_help; break;
            case 'd': AskDelete(frame); break;
        }
    }

    /// <summary>Exactly <paramref name="height"/> lines: the frame's layout (or the help) and the status line last.</summary>
    public List<ScreenLine> Lines(TopFrame? frame, int width, int height)
    {
        string status = _prompt switch
        {
            Prompt.Filter => "filter (conntrack options, Enter applies, Esc cancels): " + _typed + "_",
            Prompt.ConfirmDelete => _status,
            _ when frame is null => "waiting for every namespace to answer…",
            _ => _status,
        };
        var lines = frame is null ? [new ScreenLine("ctnet top", LineStyle.Heading)] : TopLayout.Lines(frame, width, _help ? null : _selected, status);
        var body = lines.Take(Math.Min(lines.Count - (frame is null ? 0 : 1), height - 1)).ToList();
        if (_help)
            body = [.. body.Take(TopLayout.HeaderLines), .. Help.Select(h => new ScreenLine(h.Length > width ? h[..width] : h))];
        while (body.Count < height - 1)
            body.Add(new ScreenLine(""));
        body = body.Take(height - 1).ToList();
        body.Add(new ScreenLine(status.Length > width ? status[..width] : status, status.Length > 0 ? LineStyle.Alert : LineStyle.Plain));
        return body;
    }

    private static readonly string[] Help =
    [
        "g  group by the next key: src, dst, dport, state, netns, zone, mark",
        "l  one row per entry / back to groups",
        "b  sort the list by the next column: source, destination, protocol, state, ttl, packets, bytes",
        "r  reverse the order",
        "f  filter with conntrack's options, e.g. -p tcp --dport 443 -s 10.0.0.0/8 --state SYN_SENT (also /)",
        "d  delete the highlighted entry or group (asks first; needs --allow-delete)",
        "↑ ↓ PgUp PgDn Home  move",
        "h  this help     q  quit",
    ];

    private void Requery(TopQuery query)
    {
        Query = query with { Offset = 0 };
        _selected = 0;
    }

    private void Move(int by, int shown)
    {
        int next = _selected + by;
        if (next < 0 && Query.Offset > 0)
            Query = Query with { Offset = Query.Offset - 1 };
        else if (next >= shown && shown == Query.Rows)
            Query = Query with { Offset = Query.Offset + 1 };
        else
            _selected = Math.Clamp(next, 0, Math.Max(0, shown - 1));
    }

    private void Page(int by, int shown)
    {
        if (by > 0 && shown < Query.Rows)
            return;
        Query = Query with { Offset = Math.Max(0, Query.Offset + by) };
    }

    private void Typing(ConsoleKeyInfo key)
    {
        switch (key.Key)
        {
            case ConsoleKey.Escape:
                _prompt = Prompt.None;
                return;
            case ConsoleKey.Backspace:
                if (_typed.Length > 0)
                    _typed.Length--;
                return;
            case ConsoleKey.Enter:
                _prompt = Prompt.None;
                ApplyFilter(_typed.ToString().Trim());
                return;
        }
        if (!char.IsControl(key.KeyChar) && _typed.Length < 200)
            _typed.Append(key.KeyChar);
    }

    private void ApplyFilter(string text)
    {
        try
        {
            Requery(Query with { Filter = TopFilterParser.Parse(text), FilterText = text });
        }
        catch (UsageException e)
        {
            _status = "filter not applied: " + OneLine.Of(e.Message);
        }
    }

    private void AskDelete(TopFrame? frame)
    {
        if (!allowDelete)
        {
            _status = "read-only: start ctnet top with --allow-delete to delete entries";
            return;
        }
        _deleting = frame is null ? null : frame.ListEntries ? frame.Entries.ElementAtOrDefault(_selected) : frame.Groups.ElementAtOrDefault(_selected);
        switch (_deleting)
        {
            case TopEntryRow e:
                _status = $"delete {e.Protocol} {e.Source} -> {e.Destination}? y/N";
                _prompt = Prompt.ConfirmDelete;
                break;
            case TopGroupRow g:
                _status = $"delete the {g.Entries} entries of {g.Label} in {g.Netns}{(Query.FilterText.Length > 0 ? " that match the filter" : "")}? y/N";
                _prompt = Prompt.ConfirmDelete;
                break;
            default:
                _status = "nothing highlighted to delete";
                break;
        }
    }

    private void Confirming(ConsoleKeyInfo key)
    {
        _prompt = Prompt.None;
        if (char.ToLowerInvariant(key.KeyChar) != 'y')
        {
            _status = "nothing deleted";
            return;
        }
        try
        {
            _status = _deleting switch
            {
                TopEntryRow e => deleteEntry(e) ? "deleted 1 entry" : "the entry was already gone",
                TopGroupRow g => $"deleted {deleteGroup(g)} entries",
                _ => "nothing deleted",
            };
        }
        catch (Exception e) when (e is IOException or InvalidOperationException or UnauthorizedAccessException)
        {
            _status = "delete failed: " + OneLine.Of(e.Message);
        }
    }
}
