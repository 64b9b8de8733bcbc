namespace Conntrack.KernelParity.Tests.Fill;

/// <summary>How long one fill took: writing its pcaps, and sending them (with the UDP stream wait, if any).</summary>
internal sealed record FillTiming(int Entries, int Frames, TimeSpan Build, TimeSpan Send)
{
    public double EntriesPerSecond => Entries / (Build + Send).TotalSeconds;

    public override string ToString() =>
        FormattableString.Invariant($"{Entries} entries in {Frames} frames: pcap {Build.TotalSeconds:0.00} s, tcpreplay {Send.TotalSeconds:0.00} s, {EntriesPerSecond:0} entries/s");
}
