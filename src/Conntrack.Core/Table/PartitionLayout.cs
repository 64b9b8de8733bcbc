namespace Conntrack.Table;

/// <summary>
/// How a table is cut into partitions and how the shared entry array is dealt out to them: in
/// interleaved blocks of slots, so a slot number depends only on its partition's own history,
/// however the partitions were scheduled, and entries created one after another lie side by side.
/// </summary>
internal static class PartitionLayout
{
    /// <summary>Partitions of every table: fixed, so results never depend on how many threads ran them.</summary>
    public const int Partitions = 16;

    /// <summary>Entry slots a partition takes from the array at a time.</summary>
    public const int SlotBlock = 64;

    public static int PartitionOfSlot(int slot) => slot / SlotBlock % Partitions;

    /// <summary>The slot of a partition's <paramref name="fresh"/>-th never-used entry.</summary>
    public static int SlotOf(int partition, int fresh) =>
        (((fresh / SlotBlock * Partitions) + partition) * SlotBlock) + (fresh % SlotBlock);

    /// <summary>
    /// The array length to grow to for slot <paramref name="minimum"/> − 1. With a limit the array
    /// goes straight to its final length: a fresh array's pages cost nothing until entries are
    /// written to them, while growing by doubling would leave every smaller array behind on the
    /// large-object heap (twice the table's memory resident). Slots interleave across partitions,
    /// so a partition holding more than its share needs slots beyond <c>max</c>: the array first
    /// stops a little above <c>max</c>, and goes further only when a partition really needs it.
    /// Without a limit it doubles.
    /// </summary>
    public static int GrownCapacity(int current, int minimum, int max)
    {
        long capacity = Math.Max((long)current * 2, minimum);
        if (max > 0)
        {
            long soft = max + (max / 128) + (Partitions * SlotBlock * 2);
            long hard = ((long)max + SlotBlock) * Partitions;
            capacity = Math.Max(minimum <= soft ? soft : Math.Min(capacity, hard), minimum);
        }
        return (int)Math.Min(capacity, Array.MaxLength);
    }
}
