using System.Runtime.CompilerServices;
using System.Globalization;
using Conntrack.Host.Parsing;

namespace Conntrack.Host.Logs;

/// <summary>
/// Splits a log line into its time and the kernel message, for every layout the kernel's messages
/// reach disk in: <c>dmesg</c> (<c>[ 123.456789] msg</c>, no timestamp, <c>-T</c>, <c>-x</c>, raw
/// <c>&lt;4&gt;</c>), BSD syslog (<c>Aug 30 13:25:46 host kernel: msg</c>), RFC 3339 syslog and
/// <c>journalctl -o short-iso</c>, <c>journalctl -k</c> and <c>-o short-monotonic</c>.
/// </summary>
public static class LogLinePrefix
{
    private static readonly string[] Months = ["Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"];

    /// <summary>What kind of line it is.</summary>
    public enum Kind
    {
        /// <summary>A kernel message (message holds its text).</summary>
        Kernel,

        /// <summary>A syslog line from another program.</summary>
        Other,

        /// <summary>A journalctl marker (<c>-- Boot … --</c>, <c>-- No entries --</c>).</summary>
        Marker,
    }

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public static Kind Split(ReadOnlySpan<char> line, out LogTime time, out ReadOnlySpan<char> message, out bool hadPrefix)
    {
        time = LogTime.None;
        hadPrefix = false;
        var s = line.TrimStart();
        message = s;
        if (s.StartsWith("-- ") && s.TrimEnd().EndsWith("--"))
            return Kind.Marker;

        // Raw kmsg / dmesg -r: "<4>".
        if (s.Length > 2 && s[0] == '<')
        {
            int close = s.IndexOf('>');
            if (close is > 1 and < 5 && Tokens.IsNumber(s[1..close]))
                s = s[(close + 1)..];
        }
        // dmesg -x: "kern  :warn  : ".
        if (s.StartsWith("kern ") || s.StartsWith("kern:"))
        {
            int first = s.IndexOf(':');
            int second = first >= 0 ? s[(first + 1)..].IndexOf(':') : -1;
            if (second >= 0 && first + second < 20)
                s = s[(first + second + 2)..].TrimStart();
        }

        if (s.Length > 0 && s[0] == '[')
        {
            int close = s.IndexOf(']');
            if (close > 1)
            {
                var inner = s[1..close].Trim();
                if (TryMono(inner, out long micros))
                {
                    time = time.WithMono(micros);
                    hadPrefix = true;
                    s = s[(close + 1)..].TrimStart();
                    // journalctl -o short-monotonic: "[ 123.456] host kernel: msg".
                    return AfterHost(s, ref time, out message, requireKernelTag: false);
                }
                if (TryDmesgT(inner, out var wall))
                {
                    time = new LogTime(wall.Ticks, true, -1);
                    hadPrefix = true;
                    message = s[(close + 1)..].TrimStart();
                    return Kind.Kernel;
                }
            }
        }

        // RFC 3339 / ISO: "2019-02-25T03:45:03.778502+00:00 host kernel: msg".
        if (s.Length > 19 && char.IsAsciiDigit(s[0]) && s[4] == '-' && s[10] == 'T')
        {
            int pos = 0;
            Tokens.Next(s, ref pos, out var stamp);
            if (TryIso(stamp, out var wall))
            {
                time = new LogTime(wall.Ticks, true, -1);
                hadPrefix = true;
                return AfterHost(s[pos..].TrimStart(), ref time, out message, requireKernelTag: true);
            }
        }

        // BSD syslog / journalctl: "Aug 30 13:25:46 host kernel: msg".
        if (TryBsd(s, out var bsd, out int consumed))
        {
            time = new LogTime(bsd.Ticks, false, -1);
            hadPrefix = true;
            return AfterHost(s[consumed..].TrimStart(), ref time, out message, requireKernelTag: true);
        }

        message = s;
        return Kind.Kernel;
    }

    /// <summary>
    /// After a time: "host kernel: [ 12.3] msg" is a kernel line; "host prog[12]: msg" is not. With
    /// <paramref name="requireKernelTag"/> false (after a monotonic stamp) text without a host/tag is the message itself.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static Kind AfterHost(ReadOnlySpan<char> s, scoped ref LogTime time, out ReadOnlySpan<char> message, bool requireKernelTag)
    {
        int pos = 0;
        Tokens.Next(s, ref pos, out _);
        int afterHost = pos;
        bool hasTag = Tokens.Next(s, ref pos, out var tag);
        if (hasTag && tag.SequenceEqual("kernel:"))
        {
            message = s[pos..].TrimStart();
            if (message.Length > 0 && message[0] == '[')
            {
                int close = message.IndexOf(']');
                if (close > 1 && TryMono(message[1..close].Trim(), out long micros))
                {
                    time = time.WithMono(micros);
                    message = message[(close + 1)..].TrimStart();
                }
            }
            return Kind.Kernel;
        }
        if (!requireKernelTag)
        {
            message = s;
            return Kind.Kernel;
        }
        message = hasTag ? s[afterHost..].TrimStart() : s;
        return Kind.Other;
    }

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static bool TryMono(ReadOnlySpan<char> text, out long micros)
    {
        micros = -1;
        int dot = text.IndexOf('.');
        if (dot <= 0 || !Tokens.IsNumber(text[..dot]) || !Tokens.IsNumber(text[(dot + 1)..]) || dot > 12)
            return false;
        if (!long.TryParse(text[..dot], NumberStyles.None, CultureInfo.InvariantCulture, out long seconds))
            return false;
        var fraction = text[(dot + 1)..];
        long frac = 0;
        for (int i = 0; i < 6; i++)
            frac = (frac * 10) + (i < fraction.Length ? fraction[i] - '0' : 0);
        micros = (seconds * 1_000_000) + frac;
        return true;
    }

    private static bool TryDmesgT(ReadOnlySpan<char> text, out DateTime wall)
    {
        // "Mon Feb 25 03:45:03 2019" (day may be space padded).
        Span<char> buffer = stackalloc char[40];
        int n = 0;
        foreach (char c in text)
        {
            if (n == buffer.Length)
            {
                wall = default;
                return false;
            }
            if (c == ' ' && n > 0 && buffer[n - 1] == ' ')
                continue;
            buffer[n++] = c;
        }
        return DateTime.TryParseExact(buffer[..n], "ddd MMM d HH:mm:ss yyyy", CultureInfo.InvariantCulture, DateTimeStyles.AllowWhiteSpaces, out wall);
    }

    private static bool TryIso(ReadOnlySpan<char> stamp, out DateTime wall)
    {
        wall = default;
        Span<char> buffer = stackalloc char[48];
        if (stamp.Length > 40)
            return false;
        stamp.CopyTo(buffer);
        int n = stamp.Length;
        // journalctl short-iso writes "+0000"; DateTimeOffset wants "+00:00".
        if (n > 5 && (buffer[n - 5] is '+' or '-') && Tokens.IsNumber(buffer[(n - 4)..n]))
        {
            char m1 = buffer[n - 2], m2 = buffer[n - 1];
            buffer[n - 2] = ':';
            buffer[n - 1] = m1;
            buffer[n] = m2;
            n++;
        }
        if (DateTimeOffset.TryParse(buffer[..n], CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal, out var offset))
        {
            // Keep the wall clock as written: logs are read in the host's local time.
            wall = offset.DateTime;
            return true;
        }
        return false;
    }

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static bool TryBsd(ReadOnlySpan<char> s, out DateTime wall, out int consumed)
    {
        wall = default;
        consumed = 0;
        if (s.Length < 15 || s[3] != ' ')
            return false;
        int month = Array.IndexOf(Months, s[..3].ToString()) + 1;
        if (month == 0)
            return false;
        int pos = 3;
        if (!Tokens.Next(s, ref pos, out var dayText) || !Tokens.TryLong(dayText, out long day) || day is < 1 or > 31)
            return false;
        if (!Tokens.Next(s, ref pos, out var clock) || clock.Length < 8 || clock[2] != ':' || clock[5] != ':')
            return false;
        if (!int.TryParse(clock[..2], NumberStyles.None, CultureInfo.InvariantCulture, out int h)
            || !int.TryParse(clock[3..5], NumberStyles.None, CultureInfo.InvariantCulture, out int m)
            || !int.TryParse(clock[6..8], NumberStyles.None, CultureInfo.InvariantCulture, out int sec)
            || h > 23 || m > 59 || sec > 60)
            return false;
        if (day > DateTime.DaysInMonth(LogTime.PlaceholderYear, month))
            return false;
        long fractionTicks = 0;
        if (clock.Length > 9 && clock[8] == '.' && Tokens.IsNumber(clock[9..]))
        {
            var f = clock[9..];
            for (int i = 0; i < 7; i++)
                fractionTicks = (fractionTicks * 10) + (i < f.Length ? f[i] - '0' : 0);
        }
        wall = new DateTime(LogTime.PlaceholderYear, month, (int)day, h, m, Math.Min(sec, 59), DateTimeKind.Unspecified).AddTicks(fractionTicks);
        consumed = pos;
        return true;
    }
}
