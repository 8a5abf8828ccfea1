using System.Security.Claims;
using Dealership.Hosting;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.EntityFrameworkCore;

namespace Dealership.InvitationWorkflow.Engine;

/// <summary>
/// A version's name that says whose it is: "N3" is the network's version 3, "DEMO01-2" Demo Motors' own version 2. A
/// dealership's staff see both kinds side by side (their own, and the network's they fall back to), and a bare "3"
/// would not tell them which one runs a lead.
/// </summary>
public static class VersionLabels
{
    public const string Description = "A version: its label (N3 for the network's version 3, DEMO01-2 for a dealership's own version 2), "
        + "or a bare number for a version of the dealership the request names (none: the network's).";

    public static string Of(Guid? dealershipId, string? dealershipCode, int version) =>
        dealershipId is null ? $"N{version}" : $"{dealershipCode ?? dealershipId.Value.ToString("N")[..8]}-{version}";

    public static string Of(WorkflowDefinition definition, IReadOnlyDictionary<Guid, string> codes) =>
        Of(definition.DealershipId, definition.DealershipId is { } id ? codes.GetValueOrDefault(id) : null, definition.Version);

    /// <summary>
    /// The version of <paramref name="processKey"/> that <paramref name="text"/> names, for a request about <paramref name="owner"/>:
    /// a bare number is the owner's, a label names its owner itself. Reading a dealership's version needs the right to act for it;
    /// the network's versions everyone reads. Refused with a problem: 400 unreadable, 403 not allowed, 404 no such version.
    /// </summary>
    public static async Task<(WorkflowDefinition? Version, ProblemHttpResult? Refusal)> FindAsync(
        this InvitationWorkflowDbContext db, ClaimsPrincipal user, string processKey, WorkflowOwner owner, string? text, string field,
        CancellationToken cancellationToken)
    {
        if (!TryRead(text, out var code, out var network, out var number))
            return (null, TypedResults.Problem(new HttpValidationProblemDetails(new Dictionary<string, string[]>
            {
                [field] = [$"'{text}' names no version: give a number, or a label such as N3 or DEMO01-2."],
            }) { Status = StatusCodes.Status400BadRequest }));
        Guid? dealershipId = owner.DealershipId;
        if (network)
            dealershipId = null;
        else if (code is not null && !string.Equals(code, owner.DealershipCode, StringComparison.OrdinalIgnoreCase))
        {
            var (other, refusal) = await db.OwnerAsync(user, code, manage: false, cancellationToken);
            if (other is null)
                return (null, refusal);
            dealershipId = other.DealershipId;
        }
        var version = await db.WorkflowDefinitions.AsNoTracking()
            .SingleOrDefaultAsync(d => d.ProcessKey == processKey && d.DealershipId == dealershipId && d.Version == number, cancellationToken);
        return version is null ? (null, TypedResults.Problem(Problems.NotFound("workflow version", $"{processKey} {text}").Value)) : (version, null);
    }

    internal static bool TryRead(string? text, out string? code, out bool network, out int number)
    {
        code = null;
        network = false;
        number = 0;
        text = text?.Trim();
        if (string.IsNullOrEmpty(text))
            return false;
        if (int.TryParse(text, out number))
            return number > 0;
        // The dash first: a dealership code may itself start with N.
        var dash = text.LastIndexOf('-');
        if (dash > 0)
        {
            code = text[..dash].ToUpperInvariant();
            return int.TryParse(text[(dash + 1)..], out number) && number > 0;
        }
        network = text.Length > 1 && (text[0] is 'N' or 'n');
        return network && int.TryParse(text[1..], out number) && number > 0;
    }
}
