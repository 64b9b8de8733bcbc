using System.Globalization;
using Conntrack.KernelParity.Tests.Kernel;

namespace Conntrack.KernelParity.Tests.LiveTable;

/// <summary>
/// A private network namespace (name with this process's id) with accounting and timestamps on, filled from
/// <see cref="LiveTableLoad"/> with <c>conntrack -R</c>. Deleted on dispose.
/// </summary>
internal sealed class LiveTableNamespace : IDisposable
{
    private static int _next;

    public string Name { get; }

    private LiveTableNamespace(string name) => Name = name;

    public static LiveTableNamespace Create(int scale)
    {
        string name = string.Create(CultureInfo.InvariantCulture, $"ctnet-lt-{System.Environment.ProcessId}-{Interlocked.Increment(ref _next)}");
        Shell.Check("ip", "netns", "add", name);
        var ns = new LiveTableNamespace(name);
        try
        {
            ns.Exec("ip", "link", "set", "lo", "up");
            ns.Exec("sysctl", "-qw", "net.netfilter.nf_conntrack_acct=1", "net.netfilter.nf_conntrack_timestamp=1");
            string file = Path.Combine(Path.GetTempPath(), name + ".load");
            File.WriteAllText(file, LiveTableLoad.Build(scale));
            try
            {
                ns.Exec("conntrack", "-R", file);
            }
            finally
            {
                File.Delete(file);
            }
            return ns;
        }
        catch
        {
            ns.Dispose();
            throw;
        }
    }

    /// <summary>Runs a tool inside the namespace and throws when it fails.</summary>
    public Shell.Result Exec(string program, params string[] args) => Shell.Check("ip", ["netns", "exec", Name, program, .. args]);

    public Shell.Result TryExec(string program, params string[] args) => Shell.Try("ip", ["netns", "exec", Name, program, .. args]);

    /// <summary>ctnet run from outside, pointed at the namespace with --netns.</summary>
    public Shell.Result Ctnet(params string[] args) => Shell.Try("dotnet", [CtnetDll, .. args, "--netns", Name]);

    public static string CtnetDll => Path.Combine(AppContext.BaseDirectory, "ctnet.dll");

    public void Dispose() => Shell.Try("ip", "netns", "delete", Name);
}
