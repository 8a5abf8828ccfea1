using System.ComponentModel;
using System.Security.Claims;
using Dealership.Hosting.Api;
using Dealership.Hosting.Security;
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
            .Accepts<string>("application/xml", "text/xml")
            .WithRequestExample(Example, "An ADF 1.0 document (UTF-8). A prospect's dealership is its <vendor>'s <id>, else the dealershipCode parameter.")
            .Produces<List<ItemResult>>()
            .ProducesValidationProblem()
            .ProducesProblem(StatusCodes.Status413PayloadTooLarge);
    }

    private const string Example = """
        <?xml version="1.0" encoding="UTF-8"?>
        <?adf version="1.0"?>
        <adf>
          <prospect status="new">
            <id sequence="1" source="OEM-CRM">CRM-2026-118201</id>
            <requestdate>2026-11-20T10:15:00+08:00</requestdate>
            <vehicle interest="buy" status="new"><make>Volkswagen</make><model>ID.4 CROZZ</model></vehicle>
            <customer>
              <contact primarycontact="1">
                <name part="first">建国</name>
                <name part="last">王</name>
                <phone type="mobile">139 1234 8801</phone>
              </contact>
              <comments>想周末来试驾</comments>
            </customer>
            <vendor><id source="dealer code">DEMO01</id></vendor>
          </prospect>
        </adf>
        """;

    // The body is read by hand: a document that is not ADF is kept as a rejected lead, with why.
    private static async Task<IResult> SubmitAsync(HttpRequest request,
        [Description("The dealership of prospects whose <vendor> carries no id, by its code.")] string? dealershipCode,
        [Description("The source channel the document came through; oem unless said otherwise.")] string? source, ClaimsPrincipal user,
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
            return TypedResults.ValidationProblem(reasons, extensions: new Dictionary<string, object?> { ["rejectionId"] = rejected.RejectionId });
        }

        var results = new List<ItemResult>(prospects.Count);
        for (var i = 0; i < prospects.Count; i++)
            results.Add(await IntakeEndpoints.SubmitItemAsync(i, prospects[i].Lead, prospects[i].Xml, user, pipeline, channel, cancellationToken));
        return TypedResults.Ok(results);
    }
}
