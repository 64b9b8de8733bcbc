using System.Diagnostics;

namespace Conntrack.Cli.Tests;

/// <summary>Runs the built ctnet (the real executable, as a user would) and captures its output.</summary>
internal static class CtnetProcess
{
    public sealed record Result(int ExitCode, string Stdout, string Stderr);

    public static Result Run(params string[] args) => RunWithin(TimeSpan.FromSeconds(120), args);

    /// <summary>Runs ctnet and fails (killing it) when it has not finished within <paramref name="timeout"/>: a hang fails, never stalls the suite.</summary>
    public static Result RunWithin(TimeSpan timeout, params string[] args)
    {
        string dll = Path.Combine(AppContext.BaseDirectory, "ctnet.dll");
        var start = new ProcessStartInfo("dotnet")
        {
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
        if (!process.WaitForExit(timeout))
        {
            process.Kill(entireProcessTree: true);
            throw new TimeoutException($"ctnet {string.Join(' ', args)} did not finish in {timeout.TotalSeconds:0} s");
        }
        return new Result(process.ExitCode, stdout.Result, stderr.Result);
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
