namespace Conntrack.KernelParity.Tests.Fill;

/// <summary><paramref name="Count"/> entries of one <paramref name="Kind"/>, over IPv4 or IPv6, with a treatment.</summary>
internal readonly record struct FillGroup(FillKind Kind, int Count, bool Ipv6 = false, FillTreatment Treatment = FillTreatment.None);
