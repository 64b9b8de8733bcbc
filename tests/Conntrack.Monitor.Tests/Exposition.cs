using System.Diagnostics;
using System.Text;
using System.Text.RegularExpressions;

namespace Conntrack.Monitor.Tests;

/// <summary>The text a scrape of ctnet's registry returns, and the metric families in a Prometheus text exposition.</summary>
internal static partial class Exposition
{
    public static string Scrape(ConntrackMetrics metrics)
    {
        using var stream = new MemoryStream();
        metrics.Registry.CollectAndExportAsTextAsync(stream).GetAwaiter().GetResult();
        return Encoding.UTF8.GetString(stream.ToArray());
    }

    public static string Scrape(params NamespaceSnapshot[] snapshots) =>
        Scrape(new ConntrackMetrics(() => snapshots.Select(s => new WatchedNamespace(s.Netns, null, s)), snapshots.Length > 1));

    /// <summary>Name → (type, help) of every family with a # TYPE line.</summary>
    public static Dictionary<string, (string Type, string Help)> Families(string text)
    {
        var help = HelpLine().Matches(text).ToDictionary(m => m.Groups[1].Value, m => m.Groups[2].Value);
        return TypeLine().Matches(text).ToDictionary(m => m.Groups[1].Value, m => (m.Groups[2].Value, help.GetValueOrDefault(m.Groups[1].Value, "")));
    }

    /// <summary>The sample lines (no comments), for checking label values.</summary>
    public static IEnumerable<string> Samples(string text) => text.Split('\n').Where(l => l.Length > 0 && l[0] != '#');

    /// <summary>Runs a program to its end with <paramref name="input"/> on stdin; exit code and stdout + stderr.</summary>
    public static (int Code, string Output) Run(string program, string? input, params string[] args)
    {
        var start = new ProcessStartInfo(program) { RedirectStandardInput = true, RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        foreach (string arg in args)
            start.ArgumentList.Add(arg);
        using var process = Process.Start(start)!;
        var stderr = process.StandardError.ReadToEndAsync();
        if (input is not null)
            process.StandardInput.Write(input);
        process.StandardInput.Close();
        string stdout = process.StandardOutput.ReadToEnd();
        Assert.True(process.WaitForExit(60_000), $"{program} did not finish");
        return (process.ExitCode, stdout + stderr.GetAwaiter().GetResult());
    }

    [GeneratedRegex(@"^# HELP (\S+) (.*)$", RegexOptions.Multiline)]
    private static partial Regex HelpLine();

    [GeneratedRegex(@"^# TYPE (\S+) (\S+)$", RegexOptions.Multiline)]
    private static partial Regex TypeLine();
}
