using Conntrack.Host.Files;
using Conntrack.Settings;

namespace Conntrack.Host.Sysctls;

/// <summary>
/// Settings from files the user names (<c>ctnet --proc-sys DIR</c>, <c>--sysctl FILE</c>): read here, safely and
/// bounded, and validated by <see cref="SettingsLoader"/>. Every failure is a <see cref="SettingsException"/>
/// naming the file.
/// </summary>
public static class SettingsFiles
{
    /// <summary>A sysctl.conf is a few lines; a few MiB is already far more than any real one.</summary>
    public const int MaxSysctlConfBytes = 4 << 20;

    /// <summary>
    /// Reads every modelled setting present in a copy of <c>/proc/sys/net/netfilter</c> (or the real one).
    /// Files the engine does not model are not read; a modelled file that is not a small regular file with an integer is an error naming it.
    /// </summary>
    public static ConntrackSettings FromProcDirectory(string directory)
    {
        HostRoot root;
        try
        {
            root = HostRoot.Directory(directory, "a copy of /proc/sys/net/netfilter");
        }
        catch (DirectoryNotFoundException e)
        {
            throw new SettingsException(e.Message, e);
        }
        var values = new List<(string Name, string Value, string Source)>();
        foreach (var file in SysctlFiles.ReadDirectory(root, "", ConntrackSettings.IsModelled).Files)
            values.Add((file.Name, file.Text ?? throw new SettingsException($"{file.Label}: {file.Problem}"), file.Label));
        return SettingsLoader.FromValues(values);
    }

    /// <summary>Applies a sysctl.conf-style file (see <see cref="SettingsLoader.ApplySysctlText"/>).</summary>
    public static void ApplySysctlFile(ConntrackSettings settings, string path)
    {
        var file = HostRoot.Named(path);
        if (!file.IsReadable)
            throw new SettingsException($"{path}: {file.Problem}");
        string? text;
        try
        {
            text = file.ReadBounded(MaxSysctlConfBytes);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            throw new SettingsException($"{path}: cannot read ({HostRoot.Reason(e)})", e);
        }
        if (text is null)
            throw new SettingsException($"{path}: larger than {MaxSysctlConfBytes >> 20} MiB (expected a sysctl.conf of 'name = value' lines)");
        SettingsLoader.ApplySysctlText(settings, text, path);
    }
}
