using System.ComponentModel;
using System.Security.Claims;
using Dealership.Hosting.Api;
using Dealership.Hosting.Lag;
using Dealership.Hosting.Security;
using System.Xml;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using Microsoft.EntityFrameworkCore;

namespace Dealership.LeadIntake.Intake;

public static class AdfEndpoints
{
    public static void MapAdfEndpoints(this IEndpointRouteBuilder endpoints)
    {
        endpoints.MapGroup("/api/leads").WithTags("Intake").RequireAuthorization()
            .AllowClients(ClientScopes.SubmitLeads).RequireRateLimiting(RateLimits.Intake).WithRequestBodyLimit(RequestBodyLimits.Batch)
            .MapPost("/adf", SubmitAsync)
            .RefuseWhenBehind()
            .WithSummary("Submit an ADF 1.0 XML document with one or more prospects; each is answered in its row")
            .Accepts<string>("application/xml", "text/xml")
            .WithRequestExample(Example, "An ADF 1.0 document. A prospect's dealership is the one this client's vendor map names for its <vendor>'s id or name, "
                + "else its <vendor>'s <id> when that is a dealership's code, else the dealershipCode parameter.")
            .Produces<List<ItemResult>>()
            .ProducesValidationProblem()
            .ProducesProblem(StatusCodes.Status413PayloadTooLarge);
    }

    private const string Example = """
        <?ADF VERSION "1.0"?>
        <?XML VERSION "1.0"?>
        <adf>
          <prospect status="new">
            <id sequence="1" source="OEM-CRM">CRM-2026-118201</id>
            <requestdate>2026-11-20T10:15:00+08:00</requestdate>
            <vehicle interest="buy" status="new"><make>Volkswagen</make><model>ID.4 CROZZ</model></vehicle>
            <vehicle interest="trade-in" status="used"><year>2018</year><make>Volkswagen</make><model>Lavida</model><odometer units="km">86000</odometer></vehicle>
            <customer>
              <contact primarycontact="1">
                <name part="first">建国</name>
                <name part="last">王</name>
                <phone type="mobile" time="evening" preferredcontact="1">139 1234 8801</phone>
                <address><street line="1">浦东新区张杨路 500 号</street><city>上海</city><postalcode>200120</postalcode></address>
              </contact>
              <timeframe><description>两周内</description><earliestdate>2026-12-01</earliestdate><latestdate>2026-12-14</latestdate></timeframe>
              <comments>想周末来试驾</comments>
            </customer>
            <vendor><id source="dealer code">DEMO01</id></vendor>
          </prospect>
        </adf>
        """;

    // The body is read by hand: a document that is not ADF is kept as a rejected lead, with why.
    private static async Task<IResult> SubmitAsync(HttpRequest request,
        [Description("The dealership, by its code, of prospects whose <vendor> neither this client's vendor map names nor carries a dealership's code as its id.")] string? dealershipCode,
        [Description("The source channel the document came through; oem unless said otherwise.")] string? source, ClaimsPrincipal user,
        LeadIntakePipeline pipeline, LeadIntakeDbContext db, RequestBodyLimits limits, CancellationToken cancellationToken)
    {
        var (body, tooLarge) = await RequestBody.ReadAsync(request, limits.For(request.HttpContext), cancellationToken);
        if (tooLarge is not null)
            return tooLarge;
        var channel = new IntakeChannel("adf", user.Identity?.Name ?? "unknown client");

        IReadOnlyList<AdfProspect> prospects;
        try
        {
            prospects = AdfReader.Read(body!, string.IsNullOrWhiteSpace(source) ? LeadSources.Oem : source);
        }
        catch (Exception ex) when (ex is XmlException or FormatException)
        {
            // Kept like any rejected lead, so the dealership sees what its sender got wrong.
            var reasons = IntakeEndpoints.Errors("adf", $"The document cannot be read: {ex.Message}");
            var rejected = await pipeline.RejectAsync(channel, System.Text.Encoding.UTF8.GetString(body!), reasons,
                new SubmitLeadRequest { DealershipCode = dealershipCode }, Guid.Empty, cancellationToken);
            return TypedResults.ValidationProblem(reasons, extensions: new Dictionary<string, object?> { ["rejectionId"] = rejected.RejectionId });
        }

        var vendors = user.VendorDealerships();
        var codes = (await db.Dealerships.AsNoTracking().Select(d => d.Code).ToListAsync(cancellationToken)).ToHashSet(StringComparer.OrdinalIgnoreCase);
        var results = new List<ItemResult>(prospects.Count);
        for (var i = 0; i < prospects.Count; i++)
        {
            var (lead, xml, vendor) = prospects[i];
            var code = DealershipOf(vendor, vendors, codes) ?? dealershipCode;
            if (string.IsNullOrWhiteSpace(code))
            {
                var reasons = IntakeEndpoints.Errors("dealershipCode", $"No dealership for this prospect: its <vendor> (id '{vendor.Id}', name '{vendor.Name}') "
                    + "is not in this client's vendor map nor a dealership's code, and the request names no dealershipCode.");
                results.Add(IntakeEndpoints.ToItem(i, await pipeline.RejectAsync(channel, xml, reasons, lead, Guid.Empty, cancellationToken)));
                continue;
            }
            // Whichever way the dealership was found, the client must be allowed to act for it (SubmitItemAsync checks).
            results.Add(await IntakeEndpoints.SubmitItemAsync(i, lead with { DealershipCode = code }, xml, user, pipeline, channel, cancellationToken));
        }
        return TypedResults.Ok(results);
    }

    /// <summary>
    /// The dealership a prospect's vendor names, by its code: as this client's vendor map names the vendor's id, else
    /// its name (a portal's dealer ids are its own), else the vendor's id itself when it is a dealership's code (as the
    /// car maker's systems write it); null when the document does not say.
    /// </summary>
    private static string? DealershipOf(AdfVendor vendor, IReadOnlyDictionary<string, string> vendors, HashSet<string> codes) =>
        vendor.Id is { } id && vendors.TryGetValue(id, out var byId) ? byId
        : vendor.Name is { } name && vendors.TryGetValue(name, out var byName) ? byName
        : vendor.Id is { } code && codes.Contains(code) ? code
        : null;
}
