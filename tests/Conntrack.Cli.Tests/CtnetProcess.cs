using System.Diagnostics;

namespace Conntrack.Cli.Tests;

/// <summary>Runs the built ctnet (the real executable, as a user would) and captures its output.</summary>
internal static class CtnetProcess
{
    public sealed record Result(int ExitCode, string Stdout, string Stderr);

    public static Result Run(params string[] args) => RunWithin(TimeSpan.FromSeconds(120), args);

    /// <summary>Runs ctnet and fails (killing it) when it has not finished within <paramref name="timeout"/>: a hang fails, never stalls the suite.</summary>
    public static Result RunWithin(TimeSpan timeout, params string[] args) => Run(timeout, null, args);

    /// <summary>
    /// Runs ctnet with <paramref name="feed"/> writing its standard input (a pipe, closed when
    /// <paramref name="feed"/> returns); without a feed, standard input is left as it is.
    /// </summary>
    public static Result Run(TimeSpan timeout, Func<Stream, Task>? feed, params string[] args)
    {
        string dll = Path.Combine(AppContext.BaseDirectory, "ctnet.dll");
        var start = new ProcessStartInfo("dotnet")
        {
            RedirectStandardInput = feed is not null,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        start.ArgumentList.Add(dll);
        foreach (var a in args)
            start.ArgumentList.Add(a);
        using var process = Process.Start(start) ?? throw new InvalidOperationException("could not start dotnet");
        var stdout = process.StandardOutput.ReadToEndAsync();
        var stderr = process.StandardError.ReadToEndAsync();
        var fed = feed is null ? Task.CompletedTask : Feed(process.StandardInput.BaseStream, feed);
        if (!process.WaitForExit(timeout))
        {
            process.Kill(entireProcessTree: true);
            throw new TimeoutException($"ctnet {string.Join(' ', args)} did not finish in {timeout.TotalSeconds:0} s");
        }
        fed.GetAwaiter().GetResult();
        return new Result(process.ExitCode, stdout.Result, stderr.Result);
    }

    private static async Task Feed(Stream stdin, Func<Stream, Task> feed)
    {
        await using (stdin)
            await feed(stdin);
    }

    /// <summary>The shared captures folder beside the repository (…/main and …/shared).</summary>
    public static string SharedCaptures
    {
        get
        {
            for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
            {
                string candidate = Path.Combine(dir.FullName, "shared", "captures");
                if (Directory.Exists(candidate))
                    return candidate;
            }
            throw new DirectoryNotFoundException($"shared/captures not found above {AppContext.BaseDirectory}: the real captures these tests read must sit beside the repository");
        }
    }
}
