using System.Diagnostics;
using System.Globalization;
using Conntrack.Host.Counters;
using Conntrack.Host.Files;
using Conntrack.Host.Logs;
using Conntrack.Host.Netlink;
using Conntrack.Host.Parsing;
using Conntrack.Host.Resources;
using Conntrack.Host.Sysctls;
using Conntrack.Host.Tables;
using Conntrack.Settings;

namespace Conntrack.Host;

/// <summary>
/// Reads a live host or a snapshot: settings, table, counters, slab caches, memory and kernel logs, each
/// from the paths in <see cref="HostPaths"/>, each through a <see cref="HostRoot"/> (nothing outside the
/// root, no FIFOs or devices). Missing, refused or unreadable files are recorded and skipped; malformed lines
/// are counted and skipped; it never throws for bad input, only for a root or an explicitly named file
/// that is missing or not a regular file.
/// </summary>
public static class HostReader
{
    private static readonly TimeSpan DmesgTimeout = TimeSpan.FromSeconds(15);

    /// <summary>A kernel release string is a few dozen bytes.</summary>
    private const int MaxReleaseBytes = 256;

    public static HostObservation Read(HostReadOptions options)
    {
        var clock = Stopwatch.StartNew();
        bool live = options.Root is null;
        var root = live ? HostRoot.Live : HostRoot.Snapshot(options.Root!);
        var tableFile = Named(options.TablePath, "a table file");
        var statsFile = Named(options.StatsPath, "a counters file");
        var logFiles = options.LogPaths.Select(path => Named(path, "a kernel log")!).ToList();

        var reading = new Reading(root);
        int pageSize = options.PageSize ?? (live ? Environment.SystemPageSize : 4096);
        var settings = ReadSettings(reading);
        var table = (live && tableFile is null && options.UseNetlink ? ReadNetlinkTable(reading, options.Netns, settings.Settings) : null)
            ?? ReadTable(reading, tableFile, settings.Settings);
        var counters = ReadCounters(reading, statsFile);
        var slab = ReadSlab(reading, pageSize);
        var memory = ReadMemory(reading);
        var logs = ReadLogs(reading, logFiles, live && options.RunDmesg);
        var netns = live ? NetworkNamespace.OfThisProcess() : default;

        return new HostObservation
        {
            Live = live,
            Root = options.Root ?? "/",
            Settings = settings,
            Table = table,
            Counters = counters,
            Slab = slab,
            Memory = memory,
            Logs = LogMerger.Merge(logs, netns.Owns(logs)),
            Inputs = reading.Inputs,
            Issues = reading.Issues,
            PageSize = pageSize,
            PageSizeAssumed = !live && options.PageSize is null,
            NetnsInode = netns.Inode,
            InitialNetns = netns.Initial,
            KernelRelease = live ? KernelRelease() : null,
            Elapsed = clock.Elapsed,
        };
    }

    /// <summary>What has been read so far: the root, every input's fate and the malformed lines.</summary>
    private sealed class Reading(HostRoot root)
    {
        public HostRoot Root { get; } = root;
        public List<InputFile> Inputs { get; } = [];
        public ParseIssueLog Issues { get; } = new();

        /// <summary>Opens a file for <paramref name="role"/>, or records why not and returns null.</summary>
        public FileStream? Open(HostFile file, string role, bool reportMissing)
        {
            switch (file.Access)
            {
                case FileAccessState.Missing:
                    if (reportMissing)
                        Inputs.Add(new InputFile(file.Label, role, InputStatus.Missing));
                    return null;
                case FileAccessState.Refused:
                    Inputs.Add(new InputFile(file.Label, role, InputStatus.Refused, Detail: "not read: " + file.Reason));
                    return null;
                case FileAccessState.Unreadable:
                    Inputs.Add(Unreadable(file.Label, role, file.Reason!));
                    return null;
            }
            try
            {
                return file.Open();
            }
            catch (Exception e) when (e is IOException or UnauthorizedAccessException)
            {
                Inputs.Add(Unreadable(file.Label, role, HostRoot.Reason(e)));
                return null;
            }
        }

        private static InputFile Unreadable(string label, string role, string reason) =>
            new(label, role, InputStatus.Unreadable, Detail: reason == "permission denied" ? "permission denied (run as root)" : reason);
    }

    /// <summary>A file named on the command line: it must exist and be a regular file (links anywhere are the user's choice).</summary>
    private static HostFile? Named(string? path, string expected)
    {
        if (path is null)
            return null;
        var file = HostRoot.Named(path);
        return file.Access switch
        {
            FileAccessState.Missing => throw new FileNotFoundException($"{path}: no such file", path),
            FileAccessState.Readable => file,
            _ => throw new IOException($"{path}: {file.Reason} (expected {expected})"),
        };
    }

    private static HostSettings ReadSettings(Reading reading)
    {
        var filesRead = new List<string>();
        var settings = HostSettingsReader.Read(reading.Root, reading.Issues, filesRead);
        if (filesRead.Count > 0 || settings.NotRead.Count == 0)
        {
            reading.Inputs.Add(filesRead.Count > 0
                ? new InputFile("/" + (settings.LegacyNames && !settings.Has("nf_conntrack_buckets") ? HostPaths.LegacySysctlDir + "/ip_conntrack_*" : HostPaths.NetfilterSysctlDir + "/*"), "settings", InputStatus.Read, filesRead.Count, reading.Issues.Kept.Count(i => filesRead.Contains(i.File)), $"{filesRead.Count} files")
                : new InputFile("/" + HostPaths.NetfilterSysctlDir + "/*", "settings", InputStatus.Missing, Detail: "no conntrack sysctls: engine defaults (6.18) assumed"));
        }
        foreach (var (file, status, reason) in settings.NotRead)
            reading.Inputs.Add(new InputFile(file, "settings", status, Detail: status == InputStatus.Refused ? "not read: " + reason : reason));
        return settings;
    }

    /// <summary>The first of the candidates that is present (the named file, else the current then the 2.6 path), opened.</summary>
    private static (HostFile File, FileStream Stream)? OpenFirst(Reading reading, HostFile? named, IReadOnlyList<string> paths, string role)
    {
        foreach (var file in named is not null ? [named] : paths.Select(p => reading.Root.Find(p)))
        {
            if (reading.Open(file, role, reportMissing: false) is { } stream)
                return (file, stream);
        }
        return null;
    }

    private static TableReadResult? ReadTable(Reading reading, HostFile? named, ConntrackSettings timeouts)
    {
        if (OpenFirst(reading, named, HostPaths.TableFiles, "table") is not var (file, stream))
        {
            if (!reading.Inputs.Any(i => i.Role == "table"))
                reading.Inputs.Add(new InputFile("/" + HostPaths.ProcTable, "table", InputStatus.Missing, Detail: "no table: composition unknown"));
            return null;
        }
        using (stream)
        {
            var table = TableReader.Read(stream, file.Label, timeouts, reading.Issues);
            reading.Inputs.Add(new InputFile(file.Label, "table", table.Lines == 0 ? InputStatus.Empty : InputStatus.Read, table.Lines, table.Malformed, table.Format));
            return table;
        }
    }

    /// <summary>The table over ctnetlink; null (recorded as an input not read) when the kernel does not answer, so /proc is read instead.</summary>
    private static TableReadResult? ReadNetlinkTable(Reading reading, NetnsTarget? netns, ConntrackSettings timeouts)
    {
        string label = netns is null ? NetlinkTable.Format : $"{NetlinkTable.Format} ({netns.Description})";
        try
        {
            using var client = ConntrackClient.Open(netns);
            var table = NetlinkTable.Read(client, timeouts, label);
            reading.Inputs.Add(new InputFile(label, "table", table.Lines == 0 ? InputStatus.Empty : InputStatus.Read, table.Lines, table.Malformed, table.Format));
            return table;
        }
        catch (IOException e)
        {
            reading.Inputs.Add(new InputFile(label, "table", InputStatus.Unreadable, Detail: e.Message + "; /proc read instead"));
            return null;
        }
    }

    private static ConntrackCounters? ReadCounters(Reading reading, HostFile? named)
    {
        if (OpenFirst(reading, named, HostPaths.StatFiles, "counters") is not var (file, stream))
        {
            if (!reading.Inputs.Any(i => i.Role == "counters"))
                reading.Inputs.Add(new InputFile("/" + HostPaths.ProcStat, "counters", InputStatus.Missing, Detail: "no drop/insert_failed counters"));
            return null;
        }
        using (stream)
        {
            var counters = CounterParser.Read(stream, file.Label, reading.Issues);
            reading.Inputs.Add(new InputFile(file.Label, "counters", counters is null ? InputStatus.Empty : InputStatus.Read, counters?.CpuRows ?? 0, reading.Issues.CountFor(file.Label), counters?.Format));
            return counters;
        }
    }

    private static SlabInfo? ReadSlab(Reading reading, int pageSize)
    {
        var file = reading.Root.Find(HostPaths.SlabInfo);
        using var stream = reading.Open(file, "slab caches", reportMissing: true);
        if (stream is null)
            return null;
        var slab = SlabInfo.Read(stream, file.Label, pageSize, reading.Issues);
        reading.Inputs.Add(new InputFile(file.Label, "slab caches", InputStatus.Read, 0, reading.Issues.CountFor(file.Label),
            slab.Combined is { } c ? $"{c.Name}: {c.ObjectSize} B objects, {c.ObjectsPerSlab} per {c.PagesPerSlab}-page slab" : "no conntrack cache"));
        return slab;
    }

    private static MemInfo? ReadMemory(Reading reading)
    {
        var file = reading.Root.Find(HostPaths.MemInfo);
        using var stream = reading.Open(file, "memory", reportMissing: true);
        if (stream is null)
            return null;
        var memory = MemInfo.Read(stream, file.Label, reading.Issues);
        reading.Inputs.Add(new InputFile(file.Label, "memory", memory.Total is null ? InputStatus.Empty : InputStatus.Read, memory.Bytes.Count, reading.Issues.CountFor(file.Label)));
        return memory;
    }

    /// <summary>The root's syslog files, then dmesg (the snapshot's dmesg.txt, or the command when live), then the named logs.</summary>
    private static List<LogFileResult> ReadLogs(Reading reading, IReadOnlyList<HostFile> named, bool runDmesg)
    {
        var results = new List<LogFileResult>();
        var files = HostPaths.LogFiles.Select(p => reading.Root.Find(p)).ToList();
        if (!reading.Root.IsLive)
            files.Add(reading.Root.Find(HostPaths.DmesgFile, label: HostPaths.DmesgFile));
        foreach (var file in files)
        {
            using var stream = reading.Open(file, "kernel log", reportMissing: false);
            if (stream is not null)
                results.Add(ReadLog(reading, stream, file.Label, results.Count));
        }
        if (runDmesg)
            ReadDmesg(reading, results);
        foreach (var file in named)
        {
            using var stream = reading.Open(file, "kernel log", reportMissing: true);
            if (stream is not null)
                results.Add(ReadLog(reading, stream, file.Label, results.Count));
        }
        if (results.Count == 0)
            reading.Inputs.Add(new InputFile("/var/log/{kern.log,messages,syslog}, dmesg", "kernel log", InputStatus.Missing, Detail: "no kernel log: no table-full history"));
        return results;
    }

    private static LogFileResult ReadLog(Reading reading, Stream stream, string label, int index)
    {
        var result = KernelLogParser.Read(stream, label, index, reading.Issues);
        reading.Inputs.Add(new InputFile(label, "kernel log", result.Lines == 0 ? InputStatus.Empty : InputStatus.Read, result.Lines, result.Malformed));
        return result;
    }

    private static void ReadDmesg(Reading reading, List<LogFileResult> results)
    {
        const string label = "dmesg";
        try
        {
            var start = new ProcessStartInfo("dmesg") { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
            using var process = Process.Start(start);
            if (process is null)
                return;
            process.ErrorDataReceived += (_, _) => { };
            process.BeginErrorReadLine();
            using var reader = new LineReader(process.StandardOutput);
            var result = KernelLogParser.Read(reader, label, results.Count, reading.Issues);
            if (!process.WaitForExit(DmesgTimeout))
            {
                process.Kill(entireProcessTree: true);
                reading.Inputs.Add(new InputFile(label, "kernel log", InputStatus.Unreadable, Detail: "dmesg did not finish"));
                return;
            }
            if (process.ExitCode != 0 && result.Lines == 0)
            {
                reading.Inputs.Add(new InputFile(label, "kernel log", InputStatus.Unreadable, Detail: string.Create(CultureInfo.InvariantCulture, $"dmesg exited {process.ExitCode} (kernel.dmesg_restrict? run as root)")));
                return;
            }
            results.Add(result);
            reading.Inputs.Add(new InputFile(label, "kernel log", result.Lines == 0 ? InputStatus.Empty : InputStatus.Read, result.Lines, result.Malformed));
        }
        catch (Exception e) when (e is System.ComponentModel.Win32Exception or IOException or InvalidOperationException)
        {
            reading.Inputs.Add(new InputFile(label, "kernel log", InputStatus.Unreadable, Detail: e.Message));
        }
    }

    private static string? KernelRelease()
    {
        var file = HostRoot.Live.Find(HostPaths.KernelRelease);
        try
        {
            return file.IsReadable ? file.ReadBounded(MaxReleaseBytes)?.Trim() : null;
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            return null;
        }
    }
}
