using System.Globalization;
using Conntrack.Host.Files;
using Conntrack.Host.Parsing;
using Conntrack.Settings;

namespace Conntrack.Host.Sysctls;

/// <summary>
/// Reads <c>/proc/sys/net/netfilter/*</c>, the old <c>/proc/sys/net/ipv4/netfilter/ip_conntrack_*</c>
/// and the <c>hashsize</c> module parameter under a root, through <see cref="SysctlFiles"/>. A file that does
/// not hold an integer, or a value outside what the engine accepts, is reported and the engine default kept.
/// </summary>
public static class HostSettingsReader
{
    public static HostSettings Read(HostRoot root, ParseIssueLog issues, ICollection<string>? filesRead = null)
    {
        var settings = new HostSettings();
        foreach (var (directory, prefix) in HostPaths.SysctlDirectories)
            ReadDirectory(settings, root, directory, prefix, issues, filesRead);
        foreach (string parameter in HostPaths.HashsizeParameters)
        {
            if (settings.HashsizeParameter is not null)
                break;
            var file = root.Find(parameter);
            if (file.Access != FileAccessState.Missing && TryReadInteger(SysctlFiles.Read(file, parameter), issues, settings, out long hashsize))
            {
                settings.HashsizeParameter = hashsize;
                filesRead?.Add(file.Label);
            }
        }
        return settings;
    }

    private static void ReadDirectory(HostSettings settings, HostRoot root, string relative, string prefix, ParseIssueLog issues, ICollection<string>? filesRead)
    {
        var (directory, files) = SysctlFiles.ReadDirectory(root, relative, name => name.StartsWith(prefix, StringComparison.Ordinal));
        if (directory.Access is FileAccessState.Refused or FileAccessState.Unreadable)
            NotRead(settings, directory, directory.Reason!);
        foreach (var file in files)
        {
            if (!TryReadInteger(file, issues, settings, out long value))
                continue;
            filesRead?.Add(file.Label);
            bool legacy = file.Name.StartsWith(HostPaths.LegacySysctlPrefix, StringComparison.Ordinal);
            settings.LegacyNames |= legacy;
            string canonical = legacy ? "nf_conntrack_" + file.Name[HostPaths.LegacySysctlPrefix.Length..] : file.Name;
            canonical = ConntrackSettings.CanonicalName(canonical) ?? canonical;
            settings.Record(canonical, value, file.Label);
            if (ConntrackSettings.CanonicalName(canonical) is null)
                continue;
            try
            {
                settings.Settings.Set(canonical, value);
            }
            catch (SettingsException e)
            {
                issues.Add(file.Label, 1, $"a value the engine accepts ({e.Message}); the engine keeps its default", value.ToString(CultureInfo.InvariantCulture));
            }
        }
    }

    private static void NotRead(HostSettings settings, HostFile file, string reason) =>
        settings.NotRead.Add((file.Label, file.Access == FileAccessState.Refused ? InputStatus.Refused : InputStatus.Unreadable, reason));

    /// <summary>The integer a sysctl file holds; false (with an issue or a not-read entry) when it holds anything else or was not read.</summary>
    private static bool TryReadInteger(SysctlFile file, ParseIssueLog issues, HostSettings settings, out long value)
    {
        value = 0;
        if (file.Text is null)
        {
            // Write-only or root-only files, FIFOs, links out of the snapshot: an input not read, not a malformed one.
            if (file.File.Access is FileAccessState.Refused or FileAccessState.Unreadable)
                NotRead(settings, file.File, file.Problem!);
            else
                issues.Add(file.Label, 0, file.Problem!, "");
            return false;
        }
        var trimmed = file.Text.AsSpan().Trim();
        // Multi-value sysctls (nf_log/…, tab-separated lists) are not conntrack settings.
        if (trimmed.IsEmpty || !Tokens.TryLong(trimmed, out value))
        {
            if (trimmed.IsEmpty || trimmed.IndexOfAny('\t', ' ') < 0)
                issues.Add(file.Label, 1, "one integer", trimmed);
            return false;
        }
        return true;
    }
}
