using System.Diagnostics;

namespace Conntrack.Cli.Tests;

/// <summary>Debian's Chromium, headless, as a real browser for the HTML report.</summary>
internal static class HeadlessChromium
{
    private const string Binary = "/usr/bin/chromium";

    /// <summary>Loads a local file, lets its scripts run, and returns the DOM as the browser sees it.</summary>
    public static string DumpDom(string path)
    {
        Assert.True(File.Exists(Binary), $"{Binary} is missing: install Debian's chromium (.ci/run does) to test the HTML report");
        string profile = Path.Combine(Path.GetTempPath(), $"ctnet-chromium-{Guid.NewGuid():N}");
        var start = new ProcessStartInfo(Binary)
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        // No network at view time: the flags keep Chromium from reaching out by itself.
        foreach (var arg in new[]
        {
            "--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
            "--disable-background-networking", "--disable-component-update", "--disable-sync",
            $"--user-data-dir={profile}", "--virtual-time-budget=5000", "--dump-dom", new Uri(path).AbsoluteUri,
        })
        {
            start.ArgumentList.Add(arg);
        }
        try
        {
            using var process = Process.Start(start)!;
            var stdout = process.StandardOutput.ReadToEndAsync();
            _ = process.StandardError.ReadToEndAsync();
            if (!process.WaitForExit(90_000))
            {
                process.Kill(entireProcessTree: true);
                Assert.Fail("chromium did not finish within 90 s");
            }
            return stdout.Result;
        }
        finally
        {
            try
            {
                Directory.Delete(profile, recursive: true);
            }
            catch (IOException)
            {
            }
        }
    }
}
