namespace Conntrack.TestData;

/// <summary>Recognisable segment and datagram data.</summary>
public static class Payloads
{
    /// <summary><paramref name="length"/> copies of <paramref name="value"/>.</summary>
    public static byte[] Repeated(int length, byte value)
    {
        var data = new byte[length];
        data.AsSpan().Fill(value);
        return data;
    }

    /// <summary>a, b, … z, a, … for <paramref name="length"/> bytes.</summary>
    public static byte[] Letters(int length)
    {
        var data = new byte[length];
        for (int i = 0; i < length; i++)
            data[i] = (byte)('a' + (i % 26));
        return data;
    }
}
