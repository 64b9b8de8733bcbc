using System.Globalization;
using Conntrack.KernelParity.Tests.Environment;
using Conntrack.KernelParity.Tests.Fill;
using Microsoft.Playwright;

namespace Conntrack.KernelParity.Tests.Monitor;

/// <summary>
/// The dashboard of a real <c>ctnet serve</c> in headless Chromium (the Debian browser through Playwright): the count
/// it shows is the kernel's, and rises when flows are sent into the watched namespace; the page fits a phone's width
/// and spreads into columns on a 4K screen; it loads nothing from anywhere but the server.
/// Screenshots go to the test's output directory, and also to <c>CTNET_SCREENSHOTS</c> when that names a directory.
/// </summary>
[Collection(KernelParityCollection.Name)]
public sealed class DashboardBrowserTests(ITestOutputHelper output)
{
    private const string Chromium = "/usr/bin/chromium";
    private const int First = 1500, Second = 2500;
    private static readonly TimeSpan Patience = TimeSpan.FromSeconds(60);

    [KernelFact]
    public async Task The_count_shown_rises_with_the_kernels_when_flows_arrive()
    {
        Assert.True(File.Exists(Chromium), "needs the Debian package chromium");
        using var filled = FilledNamespace.Create(new FillSpec().Add(FillKind.TcpEstablished, First).Add(FillKind.UdpAssured, 300));
        using var serve = new ServeProcess(filled.Name, "--interval", "1s");
        serve.WaitHealthy(Patience);
        using var playwright = await Playwright.CreateAsync();
        await using var browser = await playwright.Chromium.LaunchAsync(new BrowserTypeLaunchOptions { ExecutablePath = Chromium, Headless = true });
        var page = await browser.NewPageAsync(new BrowserNewPageOptions { ViewportSize = new ViewportSize { Width = 390, Height = 844 }, DeviceScaleFactor = 2 });
        var foreign = new List<string>();
        page.Request += (_, request) =>
        {
            if (!request.Url.StartsWith(serve.Url, StringComparison.Ordinal))
                foreign.Add(request.Url);
        };
        try
        {
            await page.GotoAsync(serve.Url);
            long before = filled.Count;
            Assert.Equal(First + 300, before);
            await ShownCount(page, before);
            await Expect(page, "#verdict", "healthy");

            filled.Add(new FillSpec().Add(FillKind.TcpEstablished, Second));
            long after = filled.Count;
            output.WriteLine($"{filled.Name}: {before} entries, then {after} after {Second} more flows");
            Assert.Equal(before + Second, after);
            await ShownCount(page, after);
            Assert.Equal(after.ToString("N0", CultureInfo.InvariantCulture), await page.TextContentAsync($"#namespaces tr[data-netns='{filled.Name}'] .count"));
            Assert.Contains("tcp", await page.TextContentAsync("#states") ?? "", StringComparison.Ordinal);

            // Phone: nothing wider than the screen (no sideways scrolling).
            Assert.True(await page.EvaluateAsync<bool>("document.documentElement.scrollWidth <= window.innerWidth"), "the page scrolls sideways at 390 px");
            await Shot(page, "dashboard-phone.png");

            // 4K, in a page of its own: the cards sit side by side, and the charts grew with the screen.
            var wide = await browser.NewPageAsync(new BrowserNewPageOptions { ViewportSize = new ViewportSize { Width = 3840, Height = 2160 } });
            wide.Request += (_, request) =>
            {
                if (!request.Url.StartsWith(serve.Url, StringComparison.Ordinal))
                    foreign.Add(request.Url);
            };
            await wide.GotoAsync(serve.Url);
            await ShownCount(wide, after);
            await wide.WaitForTimeoutAsync(1500);
            double countTop = await wide.EvaluateAsync<double>("document.getElementById('count').closest('section').getBoundingClientRect().top");
            double verdictTop = await wide.EvaluateAsync<double>("document.getElementById('verdict').closest('section').getBoundingClientRect().top");
            Assert.Equal(countTop, verdictTop);
            Assert.True(await wide.EvaluateAsync<double>("document.querySelector('#countChart canvas').getBoundingClientRect().width") > 1000, "the chart did not grow at 4K");
            await wide.SetViewportSizeAsync(1440, 900);
            await wide.WaitForTimeoutAsync(1500);
            await Shot(wide, "dashboard-wide.png");
            Assert.Empty(foreign);
        }
        catch
        {
            output.WriteLine($"ctnet serve:\n{serve.Output}");
            throw;
        }
    }

    private static async Task ShownCount(IPage page, long expected) =>
        await Expect(page, "#count", expected.ToString("N0", CultureInfo.InvariantCulture));

    private static async Task Expect(IPage page, string selector, string text)
    {
        var deadline = DateTime.UtcNow + Patience;
        string? shown = null;
        while (DateTime.UtcNow < deadline)
        {
            shown = await page.TextContentAsync(selector);
            if (shown == text)
                return;
            await Task.Delay(200);
        }
        Assert.Fail($"{selector} shows \"{shown}\", not \"{text}\", after {Patience}");
    }

    private async Task Shot(IPage page, string name)
    {
        string path = Path.Combine(AppContext.BaseDirectory, name);
        await page.ScreenshotAsync(new PageScreenshotOptions { Path = path, FullPage = true });
        if (System.Environment.GetEnvironmentVariable("CTNET_SCREENSHOTS") is { Length: > 0 } directory && Directory.Exists(directory))
            File.Copy(path, Path.Combine(directory, name), overwrite: true);
        output.WriteLine($"screenshot {path}");
    }
}
