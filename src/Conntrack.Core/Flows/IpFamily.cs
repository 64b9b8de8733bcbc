namespace Conntrack.Flows;

/// <summary>Layer-3 family of a tuple. The numbers are the kernel's AF_ values.</summary>
public enum IpFamily : byte
{
    None = 0,
    V4 = 2,
    V6 = 10,
}
