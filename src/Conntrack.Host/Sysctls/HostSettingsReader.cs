using Conntrack.Host.Parsing;
using Conntrack.Settings;

namespace Conntrack.Host.Sysctls;

/// <summary>
/// Reads <c>/proc/sys/net/netfilter/*</c>, the old <c>/proc/sys/net/ipv4/netfilter/ip_conntrack_*</c>
/// and the <c>hashsize</c> module parameter under a root directory. A file that does not hold an
/// integer, or a value outside what the engine accepts, is reported and the engine default kept.
/// </summary>
public static class HostSettingsReader
{
    public static HostSettings Read(string root, ParseIssueLog issues, ICollection<string>? filesRead = null)
    {
        var settings = new HostSettings();
        ReadDirectory(settings, root, HostPaths.NetfilterSysctlDir, prefix: null, issues, filesRead);
        ReadDirectory(settings, root, HostPaths.LegacySysctlDir, prefix: "ip_conntrack_", issues, filesRead);
        foreach (string parameter in (ReadOnlySpan<string>)[HostPaths.HashsizeParameter, HostPaths.LegacyHashsizeParameter])
        {
            string path = HostPaths.Resolve(root, parameter);
            if (settings.HashsizeParameter is null && TryReadInteger(path, "/" + parameter, issues, settings, out long hashsize))
            {
                settings.HashsizeParameter = hashsize;
                filesRead?.Add("/" + parameter);
            }
        }
        return settings;
    }

    private static void ReadDirectory(HostSettings settings, string root, string relative, string? prefix, ParseIssueLog issues, ICollection<string>? filesRead)
    {
        string dir = HostPaths.Resolve(root, relative);
        string[] files;
        try
        {
            if (!Directory.Exists(dir))
                return;
            files = Directory.GetFiles(dir);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            issues.Add("/" + relative, 0, $"a readable directory ({e.Message})", "");
            return;
        }
        Array.Sort(files, StringComparer.Ordinal);
        foreach (string file in files)
        {
            string name = Path.GetFileName(file);
            if (prefix is not null && !name.StartsWith(prefix, StringComparison.Ordinal))
                continue;
            string label = "/" + relative + "/" + name;
            if (!TryReadInteger(file, label, issues, settings, out long value))
                continue;
            filesRead?.Add(label);
            bool legacy = name.StartsWith("ip_conntrack_", StringComparison.Ordinal);
            settings.LegacyNames |= legacy;
            string canonical = legacy ? "nf_conntrack_" + name["ip_conntrack_".Length..] : name;
            canonical = ConntrackSettings.CanonicalName(canonical) ?? canonical;
            settings.Record(canonical, value, label);
            if (ConntrackSettings.CanonicalName(canonical) is null)
                continue;
            try
            {
                settings.Settings.Set(canonical, value);
            }
            catch (SettingsException e)
            {
                issues.Add(label, 1, $"a value the engine accepts ({e.Message}); the engine keeps its default", value.ToString(System.Globalization.CultureInfo.InvariantCulture));
            }
        }
    }

    /// <summary>Reads a one-number file; false (with an issue) when it holds anything else, false silently when absent.</summary>
    internal static bool TryReadInteger(string path, string label, ParseIssueLog issues, HostSettings settings, out long value)
    {
        value = 0;
        string text;
        try
        {
            if (!File.Exists(path))
                return false;
            using var stream = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.ReadWrite, 4096);
            using var reader = new StreamReader(stream);
            var buffer = new char[256];
            int read = reader.ReadBlock(buffer, 0, buffer.Length);
            text = new string(buffer, 0, read);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            // Write-only or root-only files: an input that could not be read, not a malformed one.
            settings.Unreadable.Add((label, e is UnauthorizedAccessException ? "permission denied" : e.Message));
            return false;
        }
        var trimmed = text.AsSpan().Trim();
        // Multi-value sysctls (nf_log/…, tab-separated lists) are not conntrack settings.
        if (trimmed.IsEmpty || !Tokens.TryLong(trimmed, out value))
        {
            if (trimmed.IsEmpty || trimmed.IndexOfAny('\t', ' ') < 0)
                issues.Add(label, 1, "one integer", trimmed);
            return false;
        }
        return true;
    }
}
