using System.Globalization;
using System.Text;
using System.Text.RegularExpressions;
using Conntrack.KernelParity.Tests.Kernel;

namespace Conntrack.KernelParity.Tests.TableFull;

/// <summary>
/// The part of the kernel log written since a row started. The ring buffer is shared with everything
/// else on the machine (other rows, other tests), so the start is marked by a line written to
/// <c>/dev/kmsg</c> and only what follows that marker is read; callers further filter by the netns
/// inode in the table-full text (inodes are reused once a namespace is gone, so the marker matters).
/// </summary>
internal sealed partial class KernelLogWindow
{
    private readonly string _marker;

    private KernelLogWindow(string marker) => _marker = marker;

    /// <summary>Writes the start marker.</summary>
    public static KernelLogWindow Open(string label)
    {
        string marker = string.Create(CultureInfo.InvariantCulture, $"ctp-parity {label} start {Guid.NewGuid():N}");
        // One write() per line: /dev/kmsg takes each write as one record.
        using (var kmsg = new FileStream("/dev/kmsg", FileMode.Open, FileAccess.Write))
            kmsg.Write(Encoding.UTF8.GetBytes("<6>" + marker + "\n"));
        return new KernelLogWindow(marker);
    }

    /// <summary>The records after the marker, as (seconds since boot, text).</summary>
    public IReadOnlyList<(double Time, string Text)> Read()
    {
        var lines = Shell.Check("dmesg").Stdout.Split('\n', StringSplitOptions.RemoveEmptyEntries);
        int start = Array.FindLastIndex(lines, l => l.Contains(_marker, StringComparison.Ordinal));
        if (start < 0)
            throw new InvalidOperationException($"the kernel log no longer holds the marker '{_marker}' (ring buffer wrapped?)");
        var records = new List<(double, string)>();
        foreach (string line in lines.Skip(start + 1))
        {
            var m = Record().Match(line);
            if (m.Success)
                records.Add((double.Parse(m.Groups[1].Value, CultureInfo.InvariantCulture), m.Groups[2].Value));
        }
        return records;
    }

    [GeneratedRegex(@"^\[\s*(\d+\.\d+)\]\s(.*)$")]
    private static partial Regex Record();
}
