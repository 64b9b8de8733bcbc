namespace Conntrack.Reporting;

/// <summary>
/// The page <c>ctnet serve</c> shows at <c>/</c>: one HTML file with uPlot embedded (nothing fetched from elsewhere)
/// that draws what the server pushes on its event stream (<c>api/events</c>, relative, so it works behind a path prefix).
/// </summary>
public static class DashboardPage
{
    private static readonly Lazy<byte[]> Page = new(Compose);

    /// <summary>The page as UTF-8, composed once.</summary>
    public static ReadOnlyMemory<byte> Utf8 => Page.Value;

    private static byte[] Compose() =>
        System.Text.Encoding.UTF8.GetBytes(HtmlReport.Resource("Conntrack.Dashboard.html")
            .Replace("/*__UPLOT_CSS__*/", HtmlReport.Resource("Conntrack.Report.uPlot.css"), StringComparison.Ordinal)
            .Replace("/*__UPLOT_JS__*/", HtmlReport.Resource("Conntrack.Report.uPlot.js"), StringComparison.Ordinal));
}
