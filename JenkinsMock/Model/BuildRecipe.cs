namespace McpAspire.JenkinsMock.Model;

/// <summary>The kind of work a simulated job does, which decides what its console log looks like.</summary>
public enum BuildFlavor
{
    Maven,
    Node,
    Deploy,
    Nightly,
}

/// <summary>
/// How the simulated builds of a job behave: what they log, how they end and how long they take.
/// Results cycle through <see cref="Outcomes"/> by build number, so a job's history is reproducible;
/// <see cref="LengthFactor"/> scales <c>Jenkins:Timing:BuildLength</c> (a deployment runs longer than a unit-test job).
/// </summary>
public sealed record BuildRecipe(BuildFlavor Flavor, IReadOnlyList<string> Outcomes, double LengthFactor = 1)
{
    public static BuildRecipe AlwaysSucceeds(BuildFlavor flavor) => new(flavor, [BuildResult.Success]);

    public string OutcomeOf(int buildNumber) => Outcomes[(buildNumber - 1) % Outcomes.Count];
}
