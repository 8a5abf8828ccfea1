using Dealership.Hosting.Security;
using System.Security.Claims;
using System.Xml;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;

namespace Dealership.LeadIntake.Intake;

public static class AdfEndpoints
{
    public static void MapAdfEndpoints(this IEndpointRouteBuilder endpoints)
    {
        endpoints.MapGroup("/api/leads").WithTags("Intake").RequireAuthorization()
            .AllowClients(ClientScopes.SubmitLeads).RequireRateLimiting(RateLimits.Intake).WithRequestBodyLimit(RequestBodyLimits.Batch)
            .MapPost("/adf", SubmitAsync)
            .WithSummary("Submit an ADF 1.0 XML document with one or more prospects; each is answered in its row")
            .Produces<List<ItemResult>>()
            .ProducesValidationProblem()
            .ProducesProblem(StatusCodes.Status413PayloadTooLarge);
    }

    /// <param name="dealershipCode">Used for prospects whose &lt;vendor&gt; carries no id.</param>
    /// <param name="source">The channel the document came through; oem unless said otherwise.</param>
    private static async Task<IResult> SubmitAsync(HttpRequest request, string? dealershipCode, string? source, ClaimsPrincipal user,
        LeadIntakePipeline pipeline, RequestBodyLimits limits, CancellationToken cancellationToken)
    {
        var (body, tooLarge) = await RequestBody.ReadAsync(request, limits.For(request.HttpContext), cancellationToken);
        if (tooLarge is not null)
            return tooLarge;
        var channel = new IntakeChannel("adf", user.Identity?.Name ?? "unknown client");

        IReadOnlyList<AdfProspect> prospects;
        try
        {
            prospects = AdfReader.Read(new MemoryStream(body!), dealershipCode, string.IsNullOrWhiteSpace(source) ? LeadSources.Oem : source);
        }
        catch (Exception ex) when (ex is XmlException or FormatException)
        {
            // Kept like any rejected lead, so the dealership sees what its sender got wrong.
            var reasons = IntakeEndpoints.Errors("adf", $"The document cannot be read: {ex.Message}");
            var rejected = await pipeline.RejectAsync(channel, System.Text.Encoding.UTF8.GetString(body!), reasons,
                new SubmitLeadRequest { DealershipCode = dealershipCode }, Guid.Empty, cancellationToken);
            return Results.ValidationProblem(reasons, extensions: new Dictionary<string, object?> { ["rejectionId"] = rejected.RejectionId });
        }

        var results = new List<ItemResult>(prospects.Count);
        for (var i = 0; i < prospects.Count; i++)
            results.Add(await IntakeEndpoints.SubmitItemAsync(i, prospects[i].Lead, prospects[i].Xml, user, pipeline, channel, cancellationToken));
        return Results.Ok(results);
    }
}
