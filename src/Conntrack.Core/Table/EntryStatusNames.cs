namespace Conntrack.Table;

/// <summary>The kernel's names of the status bits (<c>IPS_*_BIT</c> without the prefix), as conntrack(8) spells them.</summary>
public static class EntryStatusNames
{
    private static readonly string[] Names =
    [
        "EXPECTED", "SEEN_REPLY", "ASSURED", "CONFIRMED", "SRC_NAT", "DST_NAT", "SEQ_ADJUST", "SRC_NAT_DONE",
        "DST_NAT_DONE", "DYING", "FIXED_TIMEOUT", "TEMPLATE", "NAT_CLASH", "HELPER", "OFFLOAD", "HW_OFFLOAD",
    ];

    /// <summary>The name of bit <paramref name="bit"/> (0–15); "BIT_n" above.</summary>
    public static string Name(int bit) => bit >= 0 && bit < Names.Length ? Names[bit] : $"BIT_{bit}";

    /// <summary>The bit a name stands for (exact, upper case); 0 when unknown.</summary>
    public static EntryStatus Parse(string name)
    {
        int i = Array.IndexOf(Names, name);
        return i < 0 ? EntryStatus.None : (EntryStatus)(1u << i);
    }
}
