using System.Diagnostics;
using System.Globalization;
using Conntrack.Host.Counters;
using Conntrack.Host.Logs;
using Conntrack.Host.Parsing;
using Conntrack.Host.Resources;
using Conntrack.Host.Sysctls;
using Conntrack.Host.Tables;

namespace Conntrack.Host;

/// <summary>
/// Reads a live host or a snapshot: settings, table, counters, slab caches, memory and kernel logs.
/// Missing or unreadable files are recorded and skipped; malformed lines are counted and skipped; it
/// never throws for bad input (only for a root directory or an explicitly named file that does not exist).
/// </summary>
public static class HostReader
{
    private static readonly TimeSpan DmesgTimeout = TimeSpan.FromSeconds(15);

    public static HostObservation Read(HostReadOptions options)
    {
        var clock = Stopwatch.StartNew();
        bool live = options.Root is null;
        string root = options.Root ?? "/";
        if (!live && !Directory.Exists(root))
            throw new DirectoryNotFoundException($"{root}: no such directory (expected a snapshot made by ctnet snapshot)");
        foreach (string? explicitFile in new[] { options.TablePath, options.StatsPath }.Concat(options.LogPaths))
        {
            if (explicitFile is not null && !File.Exists(explicitFile))
                throw new FileNotFoundException($"{explicitFile}: no such file", explicitFile);
        }

        var issues = new ParseIssueLog();
        var inputs = new List<InputFile>();
        int pageSize = options.PageSize ?? (live ? Environment.SystemPageSize : 4096);

        var settingsFiles = new List<string>();
        var settings = HostSettingsReader.Read(root, issues, settingsFiles);
        inputs.Add(settingsFiles.Count > 0
            ? new InputFile("/" + (settings.LegacyNames && !settings.Has("nf_conntrack_buckets") ? HostPaths.LegacySysctlDir + "/ip_conntrack_*" : HostPaths.NetfilterSysctlDir + "/*"), "settings", InputStatus.Read, settingsFiles.Count, issues.Kept.Count(i => settingsFiles.Contains(i.File)), $"{settingsFiles.Count} files")
            : new InputFile("/" + HostPaths.NetfilterSysctlDir + "/*", "settings", InputStatus.Missing, Detail: "no conntrack sysctls: engine defaults (6.18) assumed"));

        foreach (var (file, reason) in settings.Unreadable)
            inputs.Add(new InputFile(file, "settings", InputStatus.Unreadable, Detail: reason));

        // The table.
        TableReadResult? table = null;
        var tableCandidates = options.TablePath is { } tablePath
            ? [(tablePath, tablePath)]
            : new[] { HostPaths.ProcTable, HostPaths.LegacyProcTable }.Select(p => (HostPaths.Resolve(root, p), "/" + p)).ToArray();
        foreach (var (path, label) in tableCandidates)
        {
            var stream = Open(path, label, "table", inputs, reportMissing: false);
            if (stream is null)
                continue;
            using (stream)
                table = TableReader.Read(stream, label, settings.Settings, issues);
            inputs.Add(new InputFile(label, "table", table.Lines == 0 ? InputStatus.Empty : InputStatus.Read, table.Lines, table.Malformed, table.Format));
            break;
        }
        if (table is null && !inputs.Any(i => i.Role == "table"))
            inputs.Add(new InputFile("/" + HostPaths.ProcTable, "table", InputStatus.Missing, Detail: "no table: composition unknown"));

        // Counters.
        ConntrackCounters? counters = null;
        var statCandidates = options.StatsPath is { } statsPath
            ? [(statsPath, statsPath)]
            : new[] { HostPaths.ProcStat, HostPaths.LegacyProcStat }.Select(p => (HostPaths.Resolve(root, p), "/" + p)).ToArray();
        foreach (var (path, label) in statCandidates)
        {
            var stream = Open(path, label, "counters", inputs, reportMissing: false);
            if (stream is null)
                continue;
            using (stream)
                counters = CounterParser.Read(stream, label, issues);
            inputs.Add(new InputFile(label, "counters", counters is null ? InputStatus.Empty : InputStatus.Read, counters?.CpuRows ?? 0, issues.CountFor(label), counters?.Format));
            break;
        }
        if (counters is null && !inputs.Any(i => i.Role == "counters"))
            inputs.Add(new InputFile("/" + HostPaths.ProcStat, "counters", InputStatus.Missing, Detail: "no drop/insert_failed counters"));

        // Slab caches and memory.
        SlabInfo? slab = null;
        string slabLabel = "/" + HostPaths.SlabInfo;
        using (var stream = Open(HostPaths.Resolve(root, HostPaths.SlabInfo), slabLabel, "slab caches", inputs, reportMissing: true))
        {
            if (stream is not null)
            {
                slab = SlabInfo.Read(stream, slabLabel, pageSize, issues);
                inputs.Add(new InputFile(slabLabel, "slab caches", InputStatus.Read, 0, issues.CountFor(slabLabel),
                    slab.Combined is { } c ? $"{c.Name}: {c.ObjectSize} B objects, {c.ObjectsPerSlab} per {c.PagesPerSlab}-page slab" : "no conntrack cache"));
            }
        }
        MemInfo? memory = null;
        string memLabel = "/" + HostPaths.MemInfo;
        using (var stream = Open(HostPaths.Resolve(root, HostPaths.MemInfo), memLabel, "memory", inputs, reportMissing: true))
        {
            if (stream is not null)
            {
                memory = MemInfo.Read(stream, memLabel, issues);
                inputs.Add(new InputFile(memLabel, "memory", memory.Total is null ? InputStatus.Empty : InputStatus.Read, memory.Bytes.Count, issues.CountFor(memLabel)));
            }
        }

        // Kernel logs.
        var logFiles = new List<LogFileResult>();
        void ReadLog(Stream stream, string label)
        {
            var result = KernelLogParser.Read(stream, label, logFiles.Count, issues);
            logFiles.Add(result);
            inputs.Add(new InputFile(label, "kernel log", result.Lines == 0 ? InputStatus.Empty : InputStatus.Read, result.Lines, result.Malformed));
        }
        foreach (string log in HostPaths.LogFiles)
        {
            string label = "/" + log;
            using var stream = Open(HostPaths.Resolve(root, log), label, "kernel log", inputs, reportMissing: false);
            if (stream is not null)
                ReadLog(stream, label);
        }
        if (!live)
        {
            string label = HostPaths.DmesgFile;
            using var stream = Open(HostPaths.Resolve(root, HostPaths.DmesgFile), label, "kernel log", inputs, reportMissing: false);
            if (stream is not null)
                ReadLog(stream, label);
        }
        else if (options.RunDmesg)
        {
            ReadDmesg(logFiles, inputs, issues);
        }
        foreach (string log in options.LogPaths)
        {
            using var stream = Open(log, log, "kernel log", inputs, reportMissing: true);
            if (stream is not null)
                ReadLog(stream, log);
        }
        if (logFiles.Count == 0)
            inputs.Add(new InputFile("/var/log/{kern.log,messages,syslog}, dmesg", "kernel log", InputStatus.Missing, Detail: "no kernel log: no table-full history"));

        long? netns = live ? NetnsInode("/proc/self/ns/net") : null;
        long? initNetns = live ? NetnsInode("/proc/1/ns/net") : null;
        bool? initial = netns is long self && initNetns is long init ? self == init : live ? SysctlWritable() : null;
        bool kernelTagsNetns = logFiles.Any(f => f.Events.Any(e => e.Kind == LogEventKind.TableFull && e.Value != 0));
        bool IsThisNetns(long tag)
        {
            if (tag != 0)
                return netns is long self && tag == self;
            // Untagged: the initial netns on 6.17+; on older kernels (no tags anywhere) any netns.
            return initial != false || !kernelTagsNetns;
        }
        var logs = LogMerger.Merge(logFiles, IsThisNetns);

        return new HostObservation
        {
            Live = live,
            Root = root,
            Settings = settings,
            Table = table,
            Counters = counters,
            Slab = slab,
            Memory = memory,
            Logs = logs,
            Inputs = inputs,
            Issues = issues,
            PageSize = pageSize,
            PageSizeAssumed = !live && options.PageSize is null,
            NetnsInode = netns,
            InitialNetns = initial,
            KernelRelease = live ? ReadSmall("/proc/sys/kernel/osrelease") : null,
            Elapsed = clock.Elapsed,
        };
    }

    private static FileStream? Open(string path, string label, string role, List<InputFile> inputs, bool reportMissing)
    {
        try
        {
            if (!File.Exists(path))
            {
                if (reportMissing)
                    inputs.Add(new InputFile(label, role, InputStatus.Missing));
                return null;
            }
            return new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.ReadWrite, 1, FileOptions.SequentialScan);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            inputs.Add(new InputFile(label, role, InputStatus.Unreadable, Detail: e is UnauthorizedAccessException ? "permission denied (run as root)" : e.Message));
            return null;
        }
    }

    private static void ReadDmesg(List<LogFileResult> logFiles, List<InputFile> inputs, ParseIssueLog issues)
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
            var result = KernelLogParser.Read(reader, label, logFiles.Count, issues);
            if (!process.WaitForExit(DmesgTimeout))
            {
                process.Kill(entireProcessTree: true);
                inputs.Add(new InputFile(label, "kernel log", InputStatus.Unreadable, Detail: "dmesg did not finish"));
                return;
            }
            if (process.ExitCode != 0 && result.Lines == 0)
            {
                inputs.Add(new InputFile(label, "kernel log", InputStatus.Unreadable, Detail: string.Create(CultureInfo.InvariantCulture, $"dmesg exited {process.ExitCode} (kernel.dmesg_restrict? run as root)")));
                return;
            }
            logFiles.Add(result);
            inputs.Add(new InputFile(label, "kernel log", result.Lines == 0 ? InputStatus.Empty : InputStatus.Read, result.Lines, result.Malformed));
        }
        catch (Exception e) when (e is System.ComponentModel.Win32Exception or IOException or InvalidOperationException)
        {
            inputs.Add(new InputFile(label, "kernel log", InputStatus.Unreadable, Detail: e.Message));
        }
    }

    /// <summary>
    /// nf_conntrack_max is writable only in the initial namespace (0444 elsewhere): the test when
    /// /proc/1/ns/net cannot be read. Null when there is no such file.
    /// </summary>
    private static bool? SysctlWritable()
    {
        try
        {
            const string path = "/proc/sys/net/netfilter/nf_conntrack_max";
            if (!OperatingSystem.IsLinux() || !File.Exists(path))
                return null;
            return (File.GetUnixFileMode(path) & UnixFileMode.UserWrite) != 0;
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            return null;
        }
    }

    /// <summary>The inode in a namespace link ("net:[4026531840]").</summary>
    private static long? NetnsInode(string link)
    {
        try
        {
            string? target = new FileInfo(link).LinkTarget;
            if (target is null)
                return null;
            int open = target.IndexOf('[', StringComparison.Ordinal), close = target.IndexOf(']', StringComparison.Ordinal);
            return open >= 0 && close > open && long.TryParse(target.AsSpan(open + 1, close - open - 1), NumberStyles.None, CultureInfo.InvariantCulture, out long inode) ? inode : null;
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            return null;
        }
    }

    private static string? ReadSmall(string path)
    {
        try
        {
            return File.Exists(path) ? File.ReadAllText(path).Trim() : null;
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            return null;
        }
    }
}
