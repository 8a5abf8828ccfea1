using MudBlazor;

namespace Dealership.Web.Components.Layout;

public static class AppTheme
{
    /// <summary>
    /// The system's own CJK fonts: a showroom PC in China reaches no font service abroad, and a web font
    /// with every Chinese glyph would weigh megabytes.
    /// </summary>
    public static readonly MudTheme Instance = new()
    {
        Typography = new Typography
        {
            Default = new DefaultTypography
            {
                FontFamily = ["system-ui", "-apple-system", "Segoe UI", "PingFang SC", "Microsoft YaHei", "Noto Sans CJK SC", "sans-serif"],
            },
            // Words as written: capitals say nothing in Chinese and shout in English.
            Button = new ButtonTypography { TextTransform = "none" },
        },
    };
}
