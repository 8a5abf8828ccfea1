using System.Globalization;
using System.Resources;

namespace Dealership.InvitationWorkflow.Simulation;

/// <summary>What a simulation request is told when its input is wrong: SimulationTexts.resx (English) and SimulationTexts.zh-CN.resx.</summary>
internal static class SimulationTexts
{
    private static readonly ResourceManager Resources = new(typeof(SimulationTexts));
    private static readonly CultureInfo Chinese = CultureInfo.GetCultureInfo("zh-CN");

    public static string Say(bool chinese, string key, params object?[] args)
    {
        var text = Resources.GetString(key, chinese ? Chinese : CultureInfo.InvariantCulture)
            ?? throw new InvalidOperationException($"SimulationTexts.resx has no text '{key}'.");
        return args.Length == 0 ? text : string.Format(CultureInfo.InvariantCulture, text, args);
    }
}
