using System.Text;
using Conntrack.Replay.Memory;
using Conntrack.Replay;
using Conntrack.Settings;

namespace Conntrack.Reporting;

/// <summary>
/// The replay report as one self-contained HTML file: the same data as <c>--json</c>, rendered in
/// the browser with uPlot, which is embedded in the file (nothing is fetched when it is viewed).
/// </summary>
public static class HtmlReport
{
    public static void Write(Stream output, ReplayResult result, ConntrackSettings settings, MemoryProfile? profile = null)
    {
        string template = Resource("Conntrack.Report.html");
        using var json = new MemoryStream();
        ReplayJson.Write(json, result, settings, indented: false, profile);
        // The JSON writer escapes <, > and & so the data cannot close the script element.
        string data = Encoding.UTF8.GetString(json.ToArray());
        string html = template
            .Replace("/*__UPLOT_CSS__*/", Resource("Conntrack.Report.uPlot.css"), StringComparison.Ordinal)
            .Replace("/*__UPLOT_JS__*/", Resource("Conntrack.Report.uPlot.js"), StringComparison.Ordinal)
            .Replace("/*__REPORT_DATA__*/", data, StringComparison.Ordinal);
        var bytes = Encoding.UTF8.GetBytes(html);
        output.Write(bytes);
    }

    private static string Resource(string name)
    {
        using var stream = typeof(HtmlReport).Assembly.GetManifestResourceStream(name)
            ?? throw new InvalidOperationException($"embedded resource {name} is missing from the build");
        using var reader = new StreamReader(stream, Encoding.UTF8);
        return reader.ReadToEnd();
    }
}
