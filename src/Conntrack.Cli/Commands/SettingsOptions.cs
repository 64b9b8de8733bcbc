using System.CommandLine;
using Conntrack.Host.Sysctls;
using Conntrack.Settings;

namespace Conntrack.Cli.Commands;

/// <summary>The options every simulating command shares: where the kernel settings come from.</summary>
internal sealed class SettingsOptions
{
    public Option<string[]> Set { get; } = new("--set")
    {
        Description = "Override a setting, NAME=VALUE (e.g. nf_conntrack_max=65536 or max=65536). Repeatable.",
        Arity = ArgumentArity.ZeroOrMore,
        AllowMultipleArgumentsPerToken = false,
        HelpName = "NAME=VALUE",
    };

    public Option<string?> Sysctl { get; } = new("--sysctl")
    {
        Description = "Read settings from a sysctl.conf-style file (net.netfilter.nf_conntrack_* = value).",
        HelpName = "FILE",
    };

    public Option<string?> ProcSys { get; } = new("--proc-sys")
    {
        Description = "Read settings from a host's /proc/sys/net/netfilter directory (or a copy of it).",
        HelpName = "DIR",
    };

    public void AddTo(Command command)
    {
        command.Add(Set);
        command.Add(Sysctl);
        command.Add(ProcSys);
    }

    /// <summary>Host directory first, then the file, then the overrides: later sources win. Conntrack.Host reads the files, Core validates.</summary>
    public ConntrackSettings Build(ParseResult parse, ConntrackSettings? baseline = null)
    {
        var settings = parse.GetValue(ProcSys) is { } dir ? SettingsFiles.FromProcDirectory(dir) : baseline ?? new ConntrackSettings();
        if (parse.GetValue(Sysctl) is { } file)
            SettingsFiles.ApplySysctlFile(settings, file);
        foreach (var assignment in parse.GetValue(Set) ?? [])
            SettingsLoader.ApplyOverride(settings, assignment);
        return settings;
    }
}
