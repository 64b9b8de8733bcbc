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

    /// <summary>Slots from which a limited table's array stops doubling and goes to its final length.</summary>
    public const int ReserveFrom = 8192;

    /// <summary>
    /// The array length to grow to for slot <paramref name="minimum"/> − 1. With a limit, a small
    /// array doubles (so small tables stay small), and from <see cref="ReserveFrom"/> slots goes
    /// straight to its final length: a fresh array's pages cost nothing until entries are written
    /// to them, while doubling all the way would leave every outgrown array on the large-object
    /// heap (twice the table's memory resident; here under 2 MB). Slots interleave across
    /// partitions, so a partition holding more than its share needs slots beyond <c>max</c>: the
    /// array first stops a little above <c>max</c>, and goes further only when a partition really
    /// needs it. Without a limit it doubles.
    /// </summary>
    public static int GrownCapacity(int current, int minimum, int max)
    {
        long capacity = Math.Max((long)current * 2, minimum);
        if (max > 0)
        {
            long soft = max + (max / 128) + (Partitions * SlotBlock * 2);
            long hard = ((long)max + SlotBlock) * Partitions;
            capacity = minimum > soft ? Math.Min(capacity, hard)
                : current >= ReserveFrom ? soft
                : Math.Min(capacity, soft);
            capacity = Math.Max(capacity, minimum);
        }
        return (int)Math.Min(capacity, Array.MaxLength);
    }
}
