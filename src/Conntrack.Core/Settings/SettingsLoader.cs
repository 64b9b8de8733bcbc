using System.Globalization;

namespace Conntrack.Settings;

/// <summary>Reads settings from sysctl.conf-style text, NAME=VALUE overrides, or a host's /proc/sys/net/netfilter.</summary>
public static class SettingsLoader
{
    /// <summary>
    /// Applies a sysctl.conf-style file: <c>key = value</c> lines, <c>#</c> and <c>;</c> comments,
    /// blank lines, a leading <c>-</c> (ignore errors in sysctl.d). Keys outside conntrack
    /// (e.g. <c>net.ipv4.ip_forward</c>) are skipped; unknown conntrack keys and bad values are errors naming the line.
    /// </summary>
    public static void ApplySysctlFile(ConntrackSettings settings, string path)
    {
        string text;
        try
        {
            text = File.ReadAllText(path);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            throw new SettingsException($"{path}: cannot read ({e.Message})", e);
        }
        ApplySysctlText(settings, text, path);
    }

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
                throw new SettingsException($"{sourceName}:{lineNumber}: expected 'name = value', found '{line.ToString()}'");
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
    /// Reads every modelled setting present in a host's <c>/proc/sys/net/netfilter</c> (or a copy of it).
    /// Files the engine does not model are ignored; a modelled file with garbage is an error naming it.
    /// </summary>
    public static ConntrackSettings FromProcDirectory(string directory)
    {
        if (!Directory.Exists(directory))
            throw new SettingsException($"{directory}: no such directory (expected a copy of /proc/sys/net/netfilter)");
        var settings = new ConntrackSettings();
        foreach (var descriptor in ConntrackSettings.All)
        {
            string file = Path.Combine(directory, descriptor.Name);
            if (!File.Exists(file))
                continue;
            string content;
            try
            {
                content = File.ReadAllText(file);
            }
            catch (Exception e) when (e is IOException or UnauthorizedAccessException)
            {
                throw new SettingsException($"{file}: cannot read ({e.Message})", e);
            }
            try
            {
                settings.Set(descriptor.Name, content.Trim());
            }
            catch (SettingsException e)
            {
                throw new SettingsException($"{file}: {e.Message}", e);
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
