using System.Text.Json;
using Conntrack.Flows;
using Conntrack.Host.Netlink;
using Conntrack.Protocols;
using Conntrack.Table;

namespace Conntrack.Host.Listing;

/// <summary>
/// A kernel entry as one JSON object on one line (<c>-o json</c>). Fields follow the attributes the kernel
/// sent: absent attributes are absent keys (README lists them). Reuses one writer; no string per entry
/// except the status names, which are constants.
/// </summary>
public sealed class EntryJson(OutputBuffer output) : IDisposable
{
    private readonly Utf8JsonWriter _json = new(output, new JsonWriterOptions { SkipValidation = true });

    /// <summary>Writes the object and its newline; <paramref name="eventName"/> (new, update, destroy) and <paramref name="eventTime"/> (ns) for events.</summary>
    public void Write(in KernelEntry e, string? eventName = null, ulong eventTime = 0)
    {
        _json.Reset(output);
        _json.WriteStartObject();
        if (eventName is not null)
        {
            _json.WriteString("event"u8, eventName);
            _json.WriteNumber("time"u8, eventTime);
        }
        _json.WriteString("family"u8, e.Family == IpFamily.V6 ? "ipv6"u8 : "ipv4"u8);
        _json.WriteString("proto"u8, IpProtocol.Name(e.Original.Protocol));
        _json.WriteNumber("protonum"u8, e.Original.Protocol);
        if (e.Has(EntryAttributes.Timeout))
            _json.WriteNumber("timeout"u8, e.Timeout);
        if (e.State != StateId.Absent)
            _json.WriteString("state"u8, StateNames.Name(e.State));
        Direction("orig"u8, e.Original, e.Has(EntryAttributes.OriginalZone), e.Has(EntryAttributes.CountersOriginal), e.PacketsOriginal, e.BytesOriginal);
        Direction("reply"u8, e.Reply, e.Has(EntryAttributes.ReplyZone), e.Has(EntryAttributes.CountersReply), e.PacketsReply, e.BytesReply);
        if (e.Has(EntryAttributes.Status))
            Status(e.Status);
        Trailer(e);
        _json.WriteEndObject();
        _json.Flush();
        output.Write("\n"u8);
    }

    public void Dispose() => _json.Dispose();

    private void Direction(ReadOnlySpan<byte> name, in FlowTuple t, bool zone, bool counters, ulong packets, ulong bytes)
    {
        _json.WriteStartObject(name);
        Span<byte> text = stackalloc byte[64];
        _json.WriteString("src"u8, text[..ConntrackLine.Address(text, t, source: true)]);
        _json.WriteString("dst"u8, text[..ConntrackLine.Address(text, t, source: false)]);
        byte protocol = t.Protocol;
        if (FlowTuple.HasPorts(protocol))
        {
            _json.WriteNumber("sport"u8, t.SrcId);
            _json.WriteNumber("dport"u8, t.DstId);
        }
        else if (protocol == IpProtocol.Gre)
        {
            _json.WriteNumber("srckey"u8, t.SrcId);
            _json.WriteNumber("dstkey"u8, t.DstId);
        }
        else if (protocol is IpProtocol.Icmp or IpProtocol.IcmpV6)
        {
            _json.WriteNumber("type"u8, t.IcmpType);
            _json.WriteNumber("code"u8, t.IcmpCode);
            _json.WriteNumber("id"u8, t.SrcId);
        }
        if (zone)
            _json.WriteNumber("zone"u8, t.Zone);
        if (counters)
        {
            _json.WriteNumber("packets"u8, packets);
            _json.WriteNumber("bytes"u8, bytes);
        }
        _json.WriteEndObject();
    }

    private void Status(EntryStatus status)
    {
        _json.WriteStartArray("status"u8);
        for (int bit = 0; bit < 32; bit++)
        {
            if (((uint)status & (1u << bit)) != 0)
                _json.WriteStringValue(EntryStatusNames.Name(bit));
        }
        _json.WriteEndArray();
    }

    private void Trailer(in KernelEntry e)
    {
        if (e.Has(EntryAttributes.Mark))
            _json.WriteNumber("mark"u8, e.Mark);
        if (e.Has(EntryAttributes.Zone))
            _json.WriteNumber("zone"u8, e.Zone);
        if (e.Has(EntryAttributes.Secmark))
            _json.WriteNumber("secmark"u8, e.Secmark);
        if (e.Has(EntryAttributes.SecContext) && e.SecContext is { } context)
            _json.WriteString("secctx"u8, context);
        if (e.Has(EntryAttributes.Helper) && e.Helper is { } helper)
            _json.WriteString("helper"u8, helper);
        if (e.Has(EntryAttributes.Labels))
            _json.WriteString("labels"u8, "0x" + e.Labels.ToString("x32", System.Globalization.CultureInfo.InvariantCulture));
        if (e.Has(EntryAttributes.TimestampStart))
            _json.WriteNumber("start"u8, e.Start);
        if (e.Has(EntryAttributes.TimestampStop))
            _json.WriteNumber("stop"u8, e.Stop);
        if (e.Has(EntryAttributes.Use))
            _json.WriteNumber("use"u8, e.Use);
        if (e.Has(EntryAttributes.Id))
            _json.WriteNumber("id"u8, e.Id);
    }
}
