using System.Security.Claims;
using System.Text;
using System.Text.Json;
using Dealership.Hosting;
using Dealership.Hosting.Api;
using Dealership.Hosting.Lag;
using Dealership.Hosting.Security;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.Routing;

namespace Dealership.LeadIntake.Intake;

/// <summary>What became of one lead of a batch, an ADF document or a CSV file.</summary>
public sealed record ItemResult(int Index, string Outcome, Guid? LeadId, Guid? RejectionId, IReadOnlyDictionary<string, string[]>? Errors);

public sealed record SubmittedLead(Guid Id, string Outcome, bool Duplicate);

public static class IntakeEndpoints
{
    public const int MaxBatch = 500;
    internal static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web);
    private static readonly UTF8Encoding StrictUtf8 = new(false, true);

    public static void MapIntakeEndpoints(this IEndpointRouteBuilder endpoints)
    {
        var leads = endpoints.MapGroup("/api/leads").WithTags("Intake").RequireAuthorization()
            .AllowClients(ClientScopes.SubmitLeads).RequireRateLimiting(RateLimits.Intake);
        leads.MapPost("/", SubmitJsonAsync)
            .WithRequestBodyLimit(RequestBodyLimits.Batch)
            .RefuseWhenBehind()
            .WithSummary("Submit one lead (a JSON object) or a batch (a JSON array of up to 500)")
            // The body is read by hand (see SubmitJsonAsync), so its shape is declared here.
            .Accepts<SubmitLeadRequest>("application/json")
            .WithRequestExample(Example, "One lead, or an array of up to 500 leads answered one row each. Sources: oem, dealership, " +
                "marketing-event (with campaign), other (with channelName), consultant-own, inbound-call, walk-in.")
            .Produces<SubmittedLead>(StatusCodes.Status201Created)
            .Produces<SubmittedLead>(StatusCodes.Status200OK)
            .Produces<List<ItemResult>>(StatusCodes.Status200OK)
            .ProducesValidationProblem()
            .ProducesProblem(StatusCodes.Status403Forbidden)
            .ProducesProblem(StatusCodes.Status413PayloadTooLarge);
    }

    /// <summary>A lead as the car maker's system sends it.</summary>
    public static readonly SubmitLeadRequest Example = new()
    {
        DealershipCode = "DEMO01", Source = LeadSources.Oem, ExternalId = "OEM-1001", Name = "陈先生", Phone = "138 1234 5678",
        VehicleOfInterest = "ID.4 CROZZ", Note = "想周末试驾", Consent = new ConsentStatement { Sms = true, Phone = true, Source = "OEM web form" },
    };

    // Read by hand: malformed JSON is answered with the path of the offending field, and one
    // endpoint takes both a lead and a batch.
    private static async Task<IResult> SubmitJsonAsync(HttpRequest request, ClaimsPrincipal user, LeadIntakePipeline pipeline, RequestBodyLimits limits,
        CancellationToken cancellationToken)
    {
        var (body, tooLarge) = await RequestBody.ReadAsync(request, limits.For(request.HttpContext), cancellationToken);
        if (tooLarge is not null)
            return tooLarge;

        JsonDocument document;
        try
        {
            StrictUtf8.GetCharCount(body!);
            document = JsonDocument.Parse(body);
        }
        catch (DecoderFallbackException)
        {
            return Problems.Invalid("body", "The body is not UTF-8 text: JSON must be sent as UTF-8.");
        }
        catch (JsonException ex)
        {
            return Problems.Invalid(FieldOf(ex), $"The body is not valid JSON: {ex.Message}");
        }

        using (document)
        {
            var channel = new IntakeChannel("http", user.Identity?.Name ?? "unknown client");
            switch (document.RootElement.ValueKind)
            {
                case JsonValueKind.Object:
                    if (body!.Length > RequestBody.SingleLeadLimit)
                        return RequestBodyLimits.TooLarge(RequestBody.SingleLeadLimit);
                    return await SubmitOneAsync(document.RootElement, user, pipeline, channel, request.HttpContext, cancellationToken);
                case JsonValueKind.Array:
                    var count = document.RootElement.GetArrayLength();
                    if (count == 0 || count > MaxBatch)
                        return Problems.Invalid("body", $"A batch holds 1 to {MaxBatch} leads; this one holds {count}.");
                    var results = new List<ItemResult>(count);
                    var index = 0;
                    foreach (var element in document.RootElement.EnumerateArray())
                        results.Add(await SubmitItemAsync(index++, element, user, pipeline, channel with { Name = "http-batch" }, cancellationToken));
                    return TypedResults.Ok(results);
                default:
                    return Problems.Invalid("body", "The body must be a JSON object (one lead) or an array (a batch).");
            }
        }
    }

    private static async Task<IResult> SubmitOneAsync(JsonElement element, ClaimsPrincipal user, LeadIntakePipeline pipeline, IntakeChannel channel,
        HttpContext http, CancellationToken cancellationToken)
    {
        SubmitLeadRequest lead;
        try
        {
            lead = element.Deserialize<SubmitLeadRequest>(Json)!;
        }
        catch (JsonException ex)
        {
            return Problems.Invalid(FieldOf(ex), $"The body is not a lead: {ex.Message}");
        }
        return await SubmitOneAsync(lead, element.GetRawText(), user, pipeline, channel, cancellationToken, http);
    }

    /// <summary>
    /// One lead answered over HTTP: 201 for a new lead, 200 for a repeat or a merge, 400 with every reason, 403. Given the
    /// request (<paramref name="http"/>), the lead or the merge commits with its audit entry: the busiest write of all then
    /// takes one commit instead of two.
    /// </summary>
    internal static async Task<Results<Created<SubmittedLead>, Ok<SubmittedLead>, ValidationProblem, ForbiddenProblem>> SubmitOneAsync(SubmitLeadRequest lead, string raw, ClaimsPrincipal user, LeadIntakePipeline pipeline,
        IntakeChannel channel, CancellationToken cancellationToken, HttpContext? http = null)
    {
        if (Forbidden(user, lead) is { } forbidden)
            return Problems.NotAllowedBecause(forbidden);

        var result = await pipeline.SubmitAsync(lead, channel, raw, cancellationToken,
            http is null ? null : outcome => AuditTrail.EntryFor(http, StatusOf(outcome)));
        if (http is not null && result.Outcome is IntakeOutcome.Accepted or IntakeOutcome.Merged)
            AuditTrail.Written(http);
        return result.Outcome switch
        {
            IntakeOutcome.Accepted => TypedResults.Created($"/api/leads/{result.LeadId}", new SubmittedLead(result.LeadId!.Value, "accepted", false)),
            IntakeOutcome.Rejected => TypedResults.ValidationProblem(result.Errors, title: "The lead cannot be used",
                extensions: new Dictionary<string, object?> { ["rejectionId"] = result.RejectionId }),
            _ => TypedResults.Ok(new SubmittedLead(result.LeadId!.Value, Outcome(result.Outcome), Duplicate: true)),
        };
    }

    private static int StatusOf(IntakeOutcome outcome) => outcome == IntakeOutcome.Accepted ? StatusCodes.Status201Created : StatusCodes.Status200OK;

    /// <summary>One lead of a batch; a bad item is answered in its row and never fails the others.</summary>
    internal static async Task<ItemResult> SubmitItemAsync(int index, JsonElement element, ClaimsPrincipal user, LeadIntakePipeline pipeline,
        IntakeChannel channel, CancellationToken cancellationToken)
    {
        SubmitLeadRequest? lead = null;
        try
        {
            lead = element.ValueKind == JsonValueKind.Object ? element.Deserialize<SubmitLeadRequest>(Json) : null;
        }
        catch (JsonException ex)
        {
            var rejected = await pipeline.RejectAsync(channel, element.GetRawText(), Errors(FieldOf(ex), ex.Message), null, Guid.Empty, cancellationToken);
            return ToItem(index, rejected);
        }
        if (lead is null)
            return ToItem(index, await pipeline.RejectAsync(channel, element.GetRawText(), Errors("body", "Each item must be a JSON object."), null, Guid.Empty, cancellationToken));
        return await SubmitItemAsync(index, lead, element.GetRawText(), user, pipeline, channel, cancellationToken);
    }

    internal static async Task<ItemResult> SubmitItemAsync(int index, SubmitLeadRequest lead, string raw, ClaimsPrincipal user, LeadIntakePipeline pipeline,
        IntakeChannel channel, CancellationToken cancellationToken)
    {
        if (Forbidden(user, lead) is { } forbidden)
            return new ItemResult(index, "forbidden", null, null, Errors("dealershipCode", forbidden));
        return ToItem(index, await pipeline.SubmitAsync(lead, channel, raw, cancellationToken));
    }

    internal static ItemResult ToItem(int index, IntakeResult result) =>
        new(index, Outcome(result.Outcome), result.LeadId, result.RejectionId, result.Outcome == IntakeOutcome.Rejected ? result.Errors : null);

    internal static string Outcome(IntakeOutcome outcome) => JsonNamingPolicy.CamelCase.ConvertName(outcome.ToString());

    /// <summary>Why this client may not submit for the lead's dealership, or null when it may.</summary>
    internal static string? Forbidden(ClaimsPrincipal user, SubmitLeadRequest lead)
    {
        var code = lead.DealershipCode?.Trim().ToUpperInvariant();
        // A lead without a dealership is rejected by validation, with its other reasons.
        return string.IsNullOrEmpty(code) || user.MayActFor(code) ? null : $"You may not submit leads for dealership {code}.";
    }

    internal static Dictionary<string, string[]> Errors(string field, string message) => new() { [field] = [message] };

    private static string FieldOf(JsonException ex) =>
        string.IsNullOrEmpty(ex.Path) || ex.Path == "$" ? "body" : ex.Path.TrimStart('$', '.');
}
