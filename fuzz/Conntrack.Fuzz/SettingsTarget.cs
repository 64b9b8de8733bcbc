using System.Text;
using Conntrack.Settings;

namespace Conntrack.Fuzz;

/// <summary>
/// Target (d): the settings loader. The input is read as a sysctl.conf file and each of its lines
/// as a NAME=VALUE override; bad settings are refused with <see cref="SettingsException"/>
/// (documented). Whatever was accepted must render as sysctl text that loads back to the same values.
/// </summary>
internal static class SettingsTarget
{
    public static void Run(byte[] input)
    {
        string text = Encoding.UTF8.GetString(input);
        var settings = new ConntrackSettings();
        try
        {
            SettingsLoader.ApplySysctlText(settings, text, "fuzz-input");
        }
        catch (SettingsException)
        {
        }
        foreach (var line in text.Split('\n'))
        {
            try
            {
                SettingsLoader.ApplyOverride(settings, line);
            }
            catch (SettingsException)
            {
            }
        }
        var reloaded = new ConntrackSettings();
        SettingsLoader.ApplySysctlText(reloaded, SettingsLoader.ToSysctlText(settings, all: true), "rendered");
        foreach (var d in ConntrackSettings.All)
        {
            if (reloaded.Get(d.Name) != settings.Get(d.Name))
                throw new InvalidOperationException($"{d.Name}: rendered {settings.Get(d.Name)} but loaded back {reloaded.Get(d.Name)}");
        }
    }
}
