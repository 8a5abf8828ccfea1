using System.Text.RegularExpressions;

namespace Dealership.Web.Components.Pages;

/// <summary>
/// The workflow engine's own English (a migration's refusals, its journal's details) as patterns, for the instance page to say
/// in the reader's words with the steps' names. What matches none is shown as the engine wrote it, with its ids named.
/// </summary>
internal static partial class EngineWords
{
    [GeneratedRegex(@"^'([^']+)' \(([^)]+)\) is active and the plan does not map it\.$")]
    public static partial Regex Unmapped();

    [GeneratedRegex(@"^'([^']+)' is a (\S+) and cannot become '([^']+)', a (\S+)\.$")]
    public static partial Regex OtherType();

    [GeneratedRegex(@"^'([^']+)' would move to another scope")]
    public static partial Regex OtherScope();

    [GeneratedRegex(@"^'([^']+)', new on '([^']+)', cannot be opened: (.*)$")]
    public static partial Regex CannotOpen();

    [GeneratedRegex(@"'([^']+)'")]
    public static partial Regex Quoted();

    [GeneratedRegex(@"^(\S+) came first")]
    public static partial Regex CameFirst();

    [GeneratedRegex(@"^(\S+) to (\S+) by (.*?):")]
    public static partial Regex Migrated();

    [GeneratedRegex(@"^from '([^']+)'$")]
    public static partial Regex MovedFrom();
}
