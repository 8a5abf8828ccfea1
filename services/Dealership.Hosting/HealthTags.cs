namespace Dealership.Hosting;

public static class HealthTags
{
    /// <summary>Checks that must pass before the process takes traffic: its databases and the bus.</summary>
    public const string Ready = "ready";
}
