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

    private const int ExcerptLength = 60;

    /// <summary>What a message quotes of the input: at most 60 characters, so a megabyte-long line stays one readable line.</summary>
    internal static string Excerpt(ReadOnlySpan<char> text) =>
        text.Length <= ExcerptLength ? text.ToString() : string.Concat(text[..ExcerptLength], "…");
}
