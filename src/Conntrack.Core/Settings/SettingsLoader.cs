using System.Globalization;

namespace Conntrack.Settings;

/// <summary>Settings from sysctl.conf-style text, NAME=VALUE overrides, or the values of a host's /proc/sys/net/netfilter files: validation only, no file access.</summary>
public static class SettingsLoader
{
    /// <summary>
    /// Applies sysctl.conf-style text: <c>key = value</c> lines, <c>#</c> and <c>;</c> comments,
    /// blank lines, a leading <c>-</c> (ignore errors in sysctl.d). Keys outside conntrack
    /// (e.g. <c>net.ipv4.ip_forward</c>) are skipped; unknown conntrack keys and bad values are errors naming
    /// <paramref name="sourceName"/> and the line. Reading the file is the caller's (Conntrack.Host's SettingsFiles).
    /// </summary>
    public static void ApplySysctlText(ConntrackSettings settings, string text, string sourceName)
    {
        int lineNumber = 0;
        foreach (var rawLine in text.AsSpan().EnumerateLines())
        {
            lineNumber++;
            var line = rawLine.Trim();
            if (line.IsEmpty || line[0] is '#' or ';')
                continue;
            if (line[0] == '-')
                line = line[1..].TrimStart();
            int eq = line.IndexOf('=');
            if (eq <= 0)
                throw new SettingsException($"{sourceName}:{lineNumber}: expected 'name = value', found '{SettingsException.Excerpt(line)}'");
            string key = line[..eq].Trim().ToString();
            string value = line[(eq + 1)..].Trim().ToString();
            if (!IsConntrackKey(key))
                continue;
            if (ConntrackSettings.IsReadOnlyName(key))
                throw new SettingsException($"{sourceName}:{lineNumber}: {key} is read-only");
            try
            {
                settings.Set(key, value);
            }
            catch (SettingsException e)
            {
                throw new SettingsException($"{sourceName}:{lineNumber}: {e.Message}", e);
            }
        }
    }

    /// <summary>Applies one <c>NAME=VALUE</c> override (long or short name).</summary>
    public static void ApplyOverride(ConntrackSettings settings, string assignment)
    {
        int eq = assignment.IndexOf('=', StringComparison.Ordinal);
        if (eq <= 0)
            throw new SettingsException($"--set '{assignment}': expected NAME=VALUE");
        string name = assignment[..eq].Trim();
        if (ConntrackSettings.IsReadOnlyName(name))
            throw new SettingsException($"--set '{assignment}': {name} is read-only");
        try
        {
            settings.Set(name, assignment[(eq + 1)..]);
        }
        catch (SettingsException e)
        {
            throw new SettingsException($"--set '{assignment}': {e.Message}", e);
        }
    }

    /// <summary>
    /// Settings from the values of a host's <c>/proc/sys/net/netfilter</c> files (or a copy), each named by its
    /// kernel name and the file it came from; the engine's defaults for the rest. A bad value is an error naming the file.
    /// </summary>
    public static ConntrackSettings FromValues(IEnumerable<(string Name, string Value, string Source)> values)
    {
        var settings = new ConntrackSettings();
        foreach (var (name, value, source) in values)
        {
            try
            {
                settings.Set(name, value.Trim());
            }
            catch (SettingsException e)
            {
                throw new SettingsException($"{source}: {e.Message}", e);
            }
        }
        return settings;
    }

    private static bool IsConntrackKey(string key)
    {
        string k = key.Replace('/', '.');
        return k.Contains("nf_conntrack_", StringComparison.Ordinal) || k.Contains("ip_conntrack_", StringComparison.Ordinal);
    }

    /// <summary>Renders settings as sysctl.d lines (only those that differ from the defaults unless <paramref name="all"/>).</summary>
    public static string ToSysctlText(ConntrackSettings settings, bool all = false)
    {
        var lines = new List<string>();
        foreach (var d in ConntrackSettings.All)
        {
            long v = settings.Get(d.Name);
            if (all || v != d.Default)
                lines.Add(string.Create(CultureInfo.InvariantCulture, $"net.netfilter.{d.Name} = {v}"));
        }
        return string.Join('\n', lines) + (lines.Count > 0 ? "\n" : "");
    }
}
