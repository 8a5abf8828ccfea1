namespace Dealership.Hosting;

public static class Text
{
    /// <summary>The text cut to fit a column of <paramref name="length"/> characters.</summary>
    public static string? Truncate(this string? value, int length) => value is null || value.Length <= length ? value : value[..length];
}
