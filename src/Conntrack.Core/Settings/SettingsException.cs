namespace Conntrack.Settings;

/// <summary>A setting that cannot be applied: unknown name, bad value, or unreadable source. The message names the place.</summary>
public sealed class SettingsException : Exception
{
    public SettingsException(string message) : base(message)
    {
    }

    public SettingsException(string message, Exception inner) : base(message, inner)
    {
    }

    public SettingsException()
    {
    }
}
