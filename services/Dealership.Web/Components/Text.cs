using Microsoft.Extensions.Localization;

namespace Dealership.Web.Components;

/// <summary>The console's words, in Text.resx (English) and Text.zh-CN.resx beside this file (Chinese, the glossary's terms).</summary>
public sealed class Text;

public static class TextNames
{
    /// <summary>
    /// The reader's word for a value the services spell in code (<c>Stage_assigned</c>, <c>Source_oem</c>), or the
    /// value itself where the console has no word for it (a new kind, a flow's own step).
    /// </summary>
    public static string Named(this IStringLocalizer<Text> text, string prefix, string value) => text.Named(prefix, value, value)!;

    /// <summary>As <see cref="Named(IStringLocalizer{Text}, string, string)"/>, with what to show instead of an unknown value.</summary>
    public static string? Named(this IStringLocalizer<Text> text, string prefix, string value, string? otherwise) =>
        text[prefix + value] is { ResourceNotFound: false } name ? name.Value : otherwise;
}
