using System.Text.RegularExpressions;
using Microsoft.Extensions.Localization;

namespace Dealership.Web.Components;

/// <summary>The console's words, in Text.resx (English) and Text.zh-CN.resx beside this file (Chinese, the glossary's terms).</summary>
public sealed class Text;

public static partial class TextNames
{
    /// <summary>
    /// The reader's word for a value the services spell in code (<c>Stage_assigned</c>, <c>Source_oem</c>), or the
    /// value itself where the console has no word for it (a new kind, a flow's own step).
    /// </summary>
    public static string Named(this IStringLocalizer<Text> text, string prefix, string value) => text.Named(prefix, value, value)!;

    /// <summary>As <see cref="Named(IStringLocalizer{Text}, string, string)"/>, with what to show instead of an unknown value.</summary>
    public static string? Named(this IStringLocalizer<Text> text, string prefix, string value, string? otherwise) =>
        text[prefix + value] is { ResourceNotFound: false } name ? name.Value : otherwise;

    /// <summary>
    /// What a service refused about one field, in the console's words where it has them (<c>Invalid_timeZone</c>, a
    /// list's index left out: <c>Invalid_rules.name</c>), else in the service's; null when it said nothing of the field.
    /// </summary>
    public static string? Invalid(this IStringLocalizer<Text> text, ServiceProblem? problem, string field) =>
        problem is not null && problem.Fields.TryGetValue(field, out var said)
            ? text.Named("Invalid_", ListIndex().Replace(field, ""), string.Join(" ", said))
            : null;

    /// <summary>A refusal as one message above the form: every field's problem in the reader's words, else what the service said.</summary>
    public static string NotSaved(this IStringLocalizer<Text> text, ServiceProblem problem) =>
        text["NotSaved", problem.Fields.Count > 0
            ? string.Join(" ", problem.Fields.Keys.Select(field => text.Invalid(problem, field)).Distinct())
            : problem.Detail ?? ""];

    [GeneratedRegex(@"\[\d+\]")]
    private static partial Regex ListIndex();
}
