using System.Globalization;
using System.Text;
using Conntrack.Flows;
using Conntrack.Settings;
using Conntrack.Table;
using Conntrack.Timeouts;

namespace Conntrack.Formats;

/// <summary>
/// One entry as a line of <c>/proc/net/nf_conntrack</c> (ct_seq_show in nf_conntrack_standalone.c)
/// or of <c>conntrack -L</c> (libnetfilter_conntrack's default printer).
/// </summary>
public static class EntryFormatter
{
    private static readonly CultureInfo Inv = CultureInfo.InvariantCulture;

    /// <summary>The /proc line, without the newline; remaining time measured at <paramref name="now"/>.</summary>
    public static string ProcLine(in EntryView e, long now, ConntrackSettings settings)
    {
        var sb = new StringBuilder(256);
        AppendL3(sb, e.Original.Family);
        AppendCommon(sb, e, now, settings, compressIpv6: false, procStyle: true);
        sb.Append("zone=0 ");
        if (settings.Timestamp)
            sb.Append("delta-time=").Append(DeltaSeconds(e, now).ToString(Inv)).Append(' ');
        sb.Append("use=2");
        return sb.ToString();
    }

    /// <summary>The <c>conntrack -L</c> line (<paramref name="extended"/> = <c>-o extended</c>, which adds the L3 prefix).</summary>
    public static string ConntrackLine(in EntryView e, long now, ConntrackSettings settings, bool extended = false)
    {
        var sb = new StringBuilder(256);
        if (extended)
            AppendL3(sb, e.Original.Family);
        AppendCommon(sb, e, now, settings, compressIpv6: true, procStyle: false);
        if (settings.Timestamp)
            sb.Append("delta-time=").Append(DeltaSeconds(e, now).ToString(Inv)).Append(' ');
        sb.Append("use=1");
        return sb.ToString();
    }

    private static long DeltaSeconds(in EntryView e, long now) => Math.Max(0, (now - e.CreatedAt) / 1_000_000_000);

    private static void AppendL3(StringBuilder sb, IpFamily family)
    {
        string name = family switch { IpFamily.V4 => "ipv4", IpFamily.V6 => "ipv6", _ => "unknown" };
        sb.Append(name.PadRight(8)).Append(' ').Append(((int)family).ToString(Inv)).Append(' ');
    }

    private static void AppendCommon(StringBuilder sb, in EntryView e, long now, ConntrackSettings settings, bool compressIpv6, bool procStyle)
    {
        byte protocol = e.Protocol;
        sb.Append(IpProtocol.Name(protocol).PadRight(8)).Append(' ').Append(protocol.ToString(Inv)).Append(' ');
        sb.Append(e.RemainingSeconds(now).ToString(Inv)).Append(' ');
        if (e.StateName is { } state)
            sb.Append(state).Append(' ');
        if (procStyle && protocol == IpProtocol.Gre)
        {
            sb.Append("timeout=").Append(settings.Get(TimeoutClass.Gre).ToString(Inv))
              .Append(", stream_timeout=").Append(settings.Get(TimeoutClass.GreStream).ToString(Inv)).Append(' ');
        }
        TupleText.Append(sb, e.Original, compressIpv6);
        if (e.HasCounters)
            AppendCounters(sb, e.Counters.OriginalPackets, e.Counters.OriginalBytes);
        if (e.IsUnreplied)
            sb.Append("[UNREPLIED] ");
        TupleText.Append(sb, e.Reply, compressIpv6);
        if (e.HasCounters)
            AppendCounters(sb, e.Counters.ReplyPackets, e.Counters.ReplyBytes);
        if ((e.Status & EntryStatus.HwOffload) != 0)
            sb.Append("[HW_OFFLOAD] ");
        else if ((e.Status & EntryStatus.Offload) != 0)
            sb.Append("[OFFLOAD] ");
        else if (e.IsAssured)
            sb.Append("[ASSURED] ");
        sb.Append("mark=0 ");
    }

    private static void AppendCounters(StringBuilder sb, long packets, long bytes) =>
        sb.Append("packets=").Append(packets.ToString(Inv)).Append(" bytes=").Append(bytes.ToString(Inv)).Append(' ');
}
