using System.Diagnostics;
using Conntrack.Host.Files;
using Conntrack.Host.Sysctls;

namespace Conntrack.Host;

/// <summary>What a snapshot copied and what it could not.</summary>
public sealed record SnapshotResult(IReadOnlyList<string> Copied, IReadOnlyList<string> Skipped, long Bytes);

/// <summary>
/// Copies exactly the files the doctor reads — the conntrack sysctls, the hashsize parameter, the
/// table, the counters, slabinfo, meminfo, the syslog files, all from <see cref="HostPaths"/> — from a host
/// root into a directory at the same relative paths, plus the output of <c>dmesg</c> as <c>dmesg.txt</c>.
/// Reads and writes nothing else; what the doctor would refuse (FIFOs, devices, links out of the root) is skipped.
/// </summary>
public static class SnapshotWriter
{
    /// <summary>Thrown when the output directory already holds something.</summary>
    public sealed class NotEmptyException(string message) : IOException(message);

    /// <param name="outDir">A new or empty directory.</param>
    /// <param name="sourceRoot">The host root to copy from ("/" for this machine).</param>
    /// <param name="dmesg">Runs dmesg into the stream; null skips it (snapshots of a directory).</param>
    public static SnapshotResult Write(string outDir, string sourceRoot, Func<Stream, bool>? dmesg)
    {
        if (File.Exists(outDir))
            throw new NotEmptyException($"{outDir}: is a file (expected a new or empty directory)");
        if (Directory.Exists(outDir) && Directory.EnumerateFileSystemEntries(outDir).Any())
            throw new NotEmptyException($"{outDir}: not empty (refusing to overwrite; give a new or empty directory)");
        Directory.CreateDirectory(outDir);

        var copied = new List<string>();
        var skipped = new List<string>();
        long bytes = 0;
        var root = sourceRoot == "/" ? HostRoot.Live : HostRoot.Snapshot(sourceRoot);
        foreach (var (relative, file) in FilesToCopy(root, skipped))
        {
            if (file.Access == FileAccessState.Missing)
                continue;
            if (!file.IsReadable)
            {
                skipped.Add($"{file.Label}: {(file.Access == FileAccessState.Refused ? "not read: " : "")}{file.Reason}");
                continue;
            }
            string target = Path.Combine(outDir, relative);
            try
            {
                Directory.CreateDirectory(Path.GetDirectoryName(target)!);
                using var input = file.Open();
                using var output = new FileStream(target, FileMode.CreateNew, FileAccess.Write, FileShare.None, 64 * 1024);
                input.CopyTo(output, 64 * 1024);
                bytes += output.Length;
                copied.Add(file.Label);
            }
            catch (Exception e) when (e is IOException or UnauthorizedAccessException)
            {
                // Write-only sysctls and root-only files (slabinfo, nf_conntrack) as a normal user.
                skipped.Add($"{file.Label}: {HostRoot.Reason(e)}");
                TryDelete(target);
            }
        }

        if (dmesg is not null)
        {
            string target = Path.Combine(outDir, HostPaths.DmesgFile);
            bool ok;
            using (var output = new FileStream(target, FileMode.CreateNew, FileAccess.Write, FileShare.None, 64 * 1024))
            {
                ok = dmesg(output);
                bytes += output.Length;
            }
            if (ok)
                copied.Add("dmesg > " + HostPaths.DmesgFile);
            else
            {
                skipped.Add("dmesg: the command failed");
                TryDelete(target);
            }
        }
        return new SnapshotResult(copied, skipped, bytes);
    }

    /// <summary>What <see cref="HostReader"/> reads under a root, from the same lists: the sysctl directories' files, then <see cref="HostPaths.Files"/>.</summary>
    private static List<(string Relative, HostFile File)> FilesToCopy(HostRoot root, List<string> skipped)
    {
        var files = new List<(string, HostFile)>();
        foreach (var (directory, prefix) in HostPaths.SysctlDirectories)
        {
            var (found, entries) = SysctlFiles.Find(root, directory, name => name.StartsWith(prefix, StringComparison.Ordinal));
            if (found.Access is FileAccessState.Refused or FileAccessState.Unreadable)
                skipped.Add($"{found.Label}: {found.Reason}");
            files.AddRange(entries.Select(entry => (directory + "/" + Path.GetFileName(entry.Label), entry)));
        }
        foreach (string relative in HostPaths.Files)
            files.Add((relative, root.Find(relative)));
        return files;
    }

    /// <summary>Runs <c>dmesg</c> into <paramref name="output"/>; false when it cannot run or fails.</summary>
    public static bool RunDmesg(Stream output)
    {
        try
        {
            var start = new ProcessStartInfo("dmesg") { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
            using var process = Process.Start(start);
            if (process is null)
                return false;
            process.ErrorDataReceived += (_, _) => { };
            process.BeginErrorReadLine();
            process.StandardOutput.BaseStream.CopyTo(output);
            if (!process.WaitForExit(TimeSpan.FromSeconds(15)))
            {
                process.Kill(entireProcessTree: true);
                return false;
            }
            return process.ExitCode == 0;
        }
        catch (Exception e) when (e is System.ComponentModel.Win32Exception or IOException or InvalidOperationException)
        {
            return false;
        }
    }

    private static void TryDelete(string path)
    {
        try
        {
            File.Delete(path);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            // Nothing more to do: the skip is already reported.
        }
    }
}
