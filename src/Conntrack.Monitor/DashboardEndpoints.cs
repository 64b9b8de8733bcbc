using Conntrack.Reporting;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;

namespace Conntrack.Monitor;

/// <summary>
/// The dashboard: the page at <c>/</c> (Reporting's, uPlot embedded) and its Server-Sent Events stream at
/// <c>/api/events</c>, one <see cref="DashboardState"/> per new snapshot. Reads snapshots only.
/// </summary>
internal static class DashboardEndpoints
{
    /// <summary>The page loads nothing from elsewhere and talks only to this server.</summary>
    private static readonly byte[] DataPrefix = "data: "u8.ToArray();
    private static readonly byte[] MessageEnd = "\n\n"u8.ToArray();

    private const string Policy = "default-src 'none'; script-src 'unsafe-inline'; style-src 'unsafe-inline'; img-src data:; connect-src 'self'";

    public static void Map(WebApplication app, DashboardFeed feed, TimeSpan interval)
    {
        // Poll the snapshots four times an interval: a new one reaches the browser within a quarter interval.
        var poll = TimeSpan.FromTicks(Math.Max(TimeSpan.FromMilliseconds(50).Ticks, interval.Ticks / 4));
        var stopping = app.Lifetime.ApplicationStopping;
        app.MapGet("/", (HttpContext context) =>
        {
            context.Response.Headers.ContentSecurityPolicy = Policy;
            context.Response.Headers.XContentTypeOptions = "nosniff";
            return Results.Bytes(DashboardPage.Utf8, "text/html; charset=utf-8");
        });
        app.MapGet("/api/events", (HttpContext context) => Stream(context, feed, poll, stopping));
    }

    private static async Task Stream(HttpContext context, DashboardFeed feed, TimeSpan poll, CancellationToken stopping)
    {
        using var done = CancellationTokenSource.CreateLinkedTokenSource(context.RequestAborted, stopping);
        var response = context.Response;
        response.Headers.ContentType = "text/event-stream";
        response.Headers.CacheControl = "no-cache";
        response.Headers["X-Accel-Buffering"] = "no";
        byte[]? sent = null;
        using var timer = new PeriodicTimer(poll);
        try
        {
            await response.WriteAsync("retry: 2000\n\n", done.Token).ConfigureAwait(false);
            do
            {
                var message = feed.Current();
                if (message.Length > 0 && !ReferenceEquals(message, sent))
                {
                    await response.Body.WriteAsync(DataPrefix, done.Token).ConfigureAwait(false);
                    await response.Body.WriteAsync(message, done.Token).ConfigureAwait(false);
                    await response.Body.WriteAsync(MessageEnd, done.Token).ConfigureAwait(false);
                    await response.Body.FlushAsync(done.Token).ConfigureAwait(false);
                    sent = message;
                }
            }
            while (await timer.WaitForNextTickAsync(done.Token).ConfigureAwait(false));
        }
        catch (OperationCanceledException) when (done.IsCancellationRequested)
        {
            // The client went away or the server is stopping: the stream simply ends.
        }
    }
}
