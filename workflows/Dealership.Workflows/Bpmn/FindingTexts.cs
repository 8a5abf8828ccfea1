using System.Globalization;
using System.Resources;

namespace Dealership.Workflows.Bpmn;

/// <summary>
/// The sentences of the reader's and the checker's findings: FindingTexts.resx (English) and FindingTexts.zh-CN.resx
/// beside this file, in the language of <see cref="CultureInfo.CurrentUICulture"/>. A host that answers a person sets
/// that around the read and the check; everything else (the release's own flows, the runtime) reads English.
/// </summary>
internal static class FindingTexts
{
    internal static readonly ResourceManager Resources = new(typeof(FindingTexts));

    public static string Say(string key, params object?[] args)
    {
        var text = Resources.GetString(key, CultureInfo.CurrentUICulture) ?? throw new InvalidOperationException($"FindingTexts.resx has no text '{key}'.");
        return args.Length == 0 ? text : string.Format(CultureInfo.InvariantCulture, text, args);
    }

    /// <summary>The reader's word for an element type (人工任务 for userTask), or the XML name where there is none.</summary>
    public static string ElementWords(string xmlName) =>
        Resources.GetString("Element_" + xmlName, CultureInfo.CurrentUICulture) ?? xmlName;

    /// <summary>An unsupported event by the kind the reader names it (signal, error, multiple); a file may make up other kinds.</summary>
    public static string EventWords(string? kind) =>
        Resources.GetString("Event_" + kind, CultureInfo.CurrentUICulture) ?? $"{kind} event";

    /// <summary>Ids as a sentence lists them: 'a', 'b' in English, “a”、“b” in Chinese.</summary>
    public static string Ids(IEnumerable<string> ids) => string.Join(Say("ListSeparator"), ids.Select(id => Say("QuotedId", id)));
}
