namespace Conntrack.KernelParity.Tests.Scenarios;

/// <summary>One frame of a scenario and the time since the previous one.</summary>
internal sealed record ScenarioFrame(byte[] Frame, TimeSpan Gap);

/// <summary>
/// A named, generated packet sequence. <see cref="RealGaps"/>: the scenario's point is a real time gap
/// (e.g. UDP's 2-second rule), so it is replayed with its own timing instead of re-spaced.
/// </summary>
internal sealed record Scenario(string Name, string Purpose, IReadOnlyList<ScenarioFrame> Frames, bool RealGaps);
