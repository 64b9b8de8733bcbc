using Conntrack.KernelParity.Tests.Fill;
using Conntrack.KernelParity.Tests.Kernel;

namespace Conntrack.KernelParity.Tests.LiveTable;

/// <summary>
/// A <see cref="FilledNamespace"/> (real packets through the parity topology, accounting and timestamps on)
/// holding entries of every kind in both families, plus zoned and marked, masqueraded and DNAT'd groups whose
/// reply tuples differ. TCP CLOSE (10 s) is left out: it could expire between the two listings a test compares.
/// </summary>
internal sealed class LiveTableNamespace : IDisposable
{
    private readonly FilledNamespace _filled;

    private LiveTableNamespace(FilledNamespace filled, FillSpec spec)
    {
        _filled = filled;
        Spec = spec;
    }

    public string Name => _filled.Name;
    public FillSpec Spec { get; }

    public static LiveTableNamespace Create(int perGroup) => new(FilledNamespace.Create(SpecOf(perGroup)), SpecOf(perGroup));

    /// <summary>The same spec gives the same tuples: two namespaces made from it hold the same entries.</summary>
    public static FillSpec SpecOf(int perGroup)
    {
        var spec = new FillSpec { Accounting = true, Timestamps = true };
        foreach (var kind in Enum.GetValues<FillKind>().Where(k => k != FillKind.TcpClose))
        {
            spec.Add(kind, perGroup);
            spec.Add(kind, perGroup, ipv6: true);
        }
        return spec.Add(FillKind.TcpEstablished, perGroup, treatment: FillTreatment.Zone | FillTreatment.Mark)
            .Add(FillKind.TcpEstablished, perGroup, treatment: FillTreatment.Masquerade)
            .Add(FillKind.UdpUnreplied, perGroup, treatment: FillTreatment.Masquerade | FillTreatment.Mark)
            .Add(FillKind.UdpAssured, perGroup, ipv6: true, treatment: FillTreatment.Dnat)
            .Add(FillKind.SctpEstablished, perGroup, treatment: FillTreatment.Dnat | FillTreatment.Zone)
            .Add(FillKind.Gre, perGroup, treatment: FillTreatment.Dnat);
    }

    /// <summary>The slot (10.200.SLOT.x) of the first group of this kind and treatment.</summary>
    public int SlotOf(FillKind kind, FillTreatment treatment, bool ipv6 = false) =>
        Spec.Groups.ToList().FindIndex(g => g.Kind == kind && g.Treatment == treatment && g.Ipv6 == ipv6);

    /// <summary>Sends more real traffic: <paramref name="spec"/>'s groups after those already there.</summary>
    public void Add(FillSpec spec) => _filled.Add(spec);

    /// <summary>Runs a tool inside the namespace and throws when it fails.</summary>
    public Shell.Result Exec(string program, params string[] args)
    {
        var result = _filled.Exec(program, args);
        return result.Ok ? result : throw new InvalidOperationException(result.ToString());
    }

    /// <summary>ctnet run from outside, pointed at the namespace with --netns.</summary>
    public Shell.Result Ctnet(params string[] args) => Shell.Try("dotnet", [CtnetDll, .. args, "--netns", Name]);

    public static string CtnetDll => Path.Combine(AppContext.BaseDirectory, "ctnet.dll");

    public void Dispose() => _filled.Dispose();
}
