using System.Text.RegularExpressions;

namespace Dealership.Web;

/// <summary>A lead's id in what a person pastes: the id itself, or the address of the lead's card.</summary>
public static partial class LeadIds
{
    public static Guid? Find(string? text) =>
        text is not null && LeadId().Match(text) is { Success: true } match ? Guid.Parse(match.Value) : null;

    [GeneratedRegex("[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}")]
    private static partial Regex LeadId();
}
