namespace Conntrack.Capture.Tests;

/// <summary>Reads whole captures into plain objects so tests can assert on them after the reader moved on.</summary>
internal static class CaptureAssert
{
    public static CaptureReader Open(byte[] bytes, string name = "test.pcap") => CaptureReader.Open(new MemoryStream(bytes, writable: false), name);

    public static (List<Rec> Records, CaptureIssues Issues, CaptureReader Reader) ReadAll(byte[] bytes, string name = "test.pcap")
    {
        var reader = Open(bytes, name);
        var records = ReadAll(reader);
        return (records, reader.Issues, reader);
    }

    public static List<Rec> ReadAll(CaptureReader reader)
    {
        var records = new List<Rec>();

        // Bounded: a reader that never ends would trip this rather than hang the test run.
        for (int guard = 0; guard < 1_000_000; guard++)
        {
            if (!reader.TryReadNext(out CaptureRecord r))
            {
                Assert.False(reader.TryReadNext(out _), "a finished reader stays finished");
                return records;
            }

            records.Add(new Rec(r.PacketNumber, r.FileOffset, r.TimestampNanoseconds, r.LinkType, r.InterfaceId, r.OriginalLength, r.Data.ToArray()));
        }

        throw new InvalidOperationException("reader did not terminate");
    }

    internal sealed record Rec(long PacketNumber, long FileOffset, long Timestamp, LinkType LinkType, int InterfaceId, int OriginalLength, byte[] Data)
    {
        public string DataHex => Hex.Format(Data);
    }
}
