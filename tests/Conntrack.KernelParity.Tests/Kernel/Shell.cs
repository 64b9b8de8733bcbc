using System.Diagnostics;

namespace Conntrack.KernelParity.Tests.Kernel;

/// <summary>
/// Runs the system tools the harness drives (ip, nft, tcpreplay, conntrack). Arguments go through
/// ArgumentList, never a shell string, so capture paths and names need no quoting.
/// </summary>
internal static class Shell
{
    public sealed record Result(string Command, int ExitCode, string Stdout, string Stderr)
    {
        public bool Ok => ExitCode == 0;

        public override string ToString() => $"`{Command}` exited {ExitCode}: {Stderr.Trim()} {Stdout.Trim()}".Trim();
    }

    private static readonly TimeSpan Timeout = TimeSpan.FromMinutes(3);

    /// <summary>Runs a command and returns whatever happened; never throws for a non-zero exit.</summary>
    public static Result Try(string program, params string[] args) => Run(program, args, stdin: null);

    /// <summary>Runs a command and throws with its stderr when it fails.</summary>
    public static Result Check(string program, params string[] args)
    {
        var result = Run(program, args, stdin: null);
        return result.Ok ? result : throw new InvalidOperationException(result.ToString());
    }

    /// <summary>Runs a command with <paramref name="stdin"/> as its input (nft -f -) and throws when it fails.</summary>
    public static Result CheckWithInput(string stdin, string program, params string[] args)
    {
        var result = Run(program, args, stdin);
        return result.Ok ? result : throw new InvalidOperationException(result.ToString());
    }

    /// <summary>
    /// The full path of <paramref name="program"/> on PATH, or null. Root's tools live in sbin, which a
    /// test runner's PATH does not always include, so the sbin directories are searched too.
    /// </summary>
    public static string? Find(string program)
    {
        if (program.Contains('/', StringComparison.Ordinal))
            return File.Exists(program) ? program : null;
        string path = System.Environment.GetEnvironmentVariable("PATH") ?? string.Empty;
        foreach (string dir in path.Split(':').Concat(["/usr/sbin", "/sbin", "/usr/bin", "/bin"]))
        {
            if (dir.Length > 0 && File.Exists(Path.Combine(dir, program)))
                return Path.Combine(dir, program);
        }
        return null;
    }

    private static Result Run(string program, string[] args, string? stdin)
    {
        var start = new ProcessStartInfo(Find(program) ?? program)
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            RedirectStandardInput = stdin is not null,
            UseShellExecute = false,
        };
        foreach (string a in args)
            start.ArgumentList.Add(a);
        string command = program + " " + string.Join(' ', args);
        using var process = Process.Start(start) ?? throw new InvalidOperationException($"could not start {program}");
        var stdout = process.StandardOutput.ReadToEndAsync();
        var stderr = process.StandardError.ReadToEndAsync();
        if (stdin is not null)
        {
            process.StandardInput.Write(stdin);
            process.StandardInput.Close();
        }
        if (!process.WaitForExit(Timeout))
        {
            process.Kill(entireProcessTree: true);
            throw new TimeoutException($"`{command}` did not finish in {Timeout.TotalSeconds:0} s");
        }
        return new Result(command, process.ExitCode, stdout.Result, stderr.Result);
    }
}
