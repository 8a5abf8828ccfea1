namespace Dealership.Web.Components;

/// <summary>The console's words, in Resources/Text.resx (English) and Text.zh-CN.resx (Chinese, the glossary's terms).</summary>
public sealed class Text;
