namespace Conntrack.Table;

/// <summary>Receives one entry of <see cref="ConntrackTable.Visit"/> (valid only during the call).</summary>
public delegate void EntryVisitor(in EntryView entry);
