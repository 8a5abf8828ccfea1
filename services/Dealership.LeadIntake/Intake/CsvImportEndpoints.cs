using System.ComponentModel;
using System.Security.Claims;
using Dealership.Hosting;
using Dealership.Hosting.Api;
using Dealership.Hosting.Lag;
using Dealership.Hosting.Security;
using Dealership.LeadIntake.Leads;
using MassTransit;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.Routing;
using Microsoft.EntityFrameworkCore;

namespace Dealership.LeadIntake.Intake;

/// <summary>
/// CSV files of event leads, read by <see cref="CsvLeadReader"/>. The file is received whole (on disk) and its encoding
/// decided from all of it before anything is stored, so a file that is not text is refused whole; then each row goes
/// through the intake pipeline on its own, and the import's counters are committed every <see cref="ProgressEvery"/>
/// rows so its progress can be watched. A preview answers how a file would be read, storing nothing.
/// </summary>
public static class CsvImportEndpoints
{
    public const int ProgressEvery = 100;
    public const int PreviewRows = 10;

    public record ImportView(Guid Id, Guid DealershipId, string DealershipCode, string Source, string? Campaign, string? FileName, string Encoding, ImportStatus Status,
        int Rows, int Imported, int Merged, int Duplicates, int Rejected, string? Error, DateTimeOffset StartedAt, DateTimeOffset? FinishedAt);
    public record ImportRowView(int Row, IntakeOutcome Outcome, Guid? LeadId, Guid? RejectionId, IReadOnlyList<string> Reasons);

    /// <summary>How a file would be imported.</summary>
    public sealed record CsvPreview(
        [property: Description("How the file's bytes are read: utf-8 or gb18030.")] string Encoding,
        [property: Description("The rows of leads in the file, the header row not counted.")] int Rows,
        [property: Description("Each column in the file's order, with the lead's field it fills; a null field means the column is ignored.")] IReadOnlyList<CsvColumn> Columns,
        [property: Description("What the file lacks: what refuses the file, or the rows that would be rejected for a missing campaign.")] IReadOnlyList<CsvMissing> Missing,
        [property: Description("The first rows as the import reads them, with the campaign each row takes.")] IReadOnlyList<CsvPreviewRow> FirstRows);

    /// <summary>Something a file lacks.</summary>
    public sealed record CsvMissing(
        [property: Description("The lead's fields concerned: name and phone (a lead needs one), campaign; none when the file has no rows.")] IReadOnlyList<string> Fields,
        [property: Description("What the import would say.")] string Message,
        [property: Description("The rows concerned.")] int Rows,
        [property: Description("True when the import refuses the file for it; otherwise those rows are rejected one by one.")] bool RefusesFile);

    /// <summary>One row as the import reads it.</summary>
    public sealed record CsvPreviewRow(
        [property: Description("The line of the file the row starts on.")] int Line,
        [property: Description("The row's value of each field the file fills (the campaign: the row's own, else the one given).")] IReadOnlyDictionary<string, string?> Fields,
        [property: Description("Why the row would be rejected, as field: reason lines; empty when it passes the checks (a duplicate is only known on import).")] IReadOnlyList<string> Reasons);

    public static void MapCsvImportEndpoints(this IEndpointRouteBuilder endpoints)
    {
        var group = endpoints.MapGroup("/api/leads/imports").WithTags("Intake").RequireAuthorization()
            .AllowClients(ClientScopes.SubmitLeads).RequireRateLimiting(RateLimits.Intake).WithRequestBodyLimit(RequestBodyLimits.Import);
        group.MapPost("/", ImportAsync)
            .RefuseWhenBehind()
            .WithSummary("Import a CSV file of leads (body: the file; UTF-8 or GB18030); answers with the import's report")
            .WithDescription("The file is received whole and its encoding decided from every byte before a row is imported: a file that is not UTF-8 " +
                "or GB18030 text (one damaged byte in a UTF-8 file, say) is refused whole, with the line, and nothing of it is kept. " +
                "A row's campaign is its own (活动/campaign column), else the campaign parameter.")
            .Accepts<string>("text/csv")
            .WithRequestExample(Example, FileDescription)
            .Produces<ImportView>(StatusCodes.Status201Created)
            .ProducesValidationProblem()
            .ProducesProblem(StatusCodes.Status403Forbidden)
            .ProducesProblem(StatusCodes.Status404NotFound)
            .ProducesProblem(StatusCodes.Status409Conflict)
            .ProducesProblem(StatusCodes.Status413PayloadTooLarge);
        group.MapPost("/preview", PreviewAsync)
            .WithSummary("Preview a CSV file of leads without importing it: its encoding, the field each column fills, what is missing and the first rows")
            .WithDescription($"Nothing is stored. The same parameters and body as the import; a file the import would refuse for its encoding is refused " +
                $"with the same answer. Lists the first {PreviewRows} rows as the import would read them and counts them all.")
            .Accepts<string>("text/csv")
            .WithRequestExample(Example, FileDescription)
            .Produces<CsvPreview>()
            .ProducesValidationProblem()
            .ProducesProblem(StatusCodes.Status403Forbidden)
            .ProducesProblem(StatusCodes.Status404NotFound)
            .ProducesProblem(StatusCodes.Status413PayloadTooLarge);
        group.MapGet("/{id:guid}", GetAsync).WithSummary("An import's progress and counts");
        group.MapGet("/{id:guid}/rows", RowsAsync).WithSummary("What became of each row: imported, merged, duplicate or rejected with reasons");
    }

    private const string Example = "姓名,手机,活动,意向车型,短信同意\n王建国,139 1234 8801,2026广州车展,ID.4 CROZZ,是\n李娜,138 0013 8002,,帕萨特,否\n";

    private const string FileDescription = "The file itself: a header row (Chinese or English column names: 姓名/name, 手机/phone, 邮箱/email, " +
        "活动/campaign, 意向车型/vehicle, 购车时间/timeframe, 城市/city, 地址/address, 方便联系时间/contactTime, 编号/externalId, 备注/note, " +
        "短信同意/smsConsent, 电话同意/phoneConsent; other columns are ignored) and one lead per row.";

    /// <summary>Whose file it is and how to read it.</summary>
    public record ImportQuery(
        [property: Description("The dealership the file's leads are for, by its code.")] string DealershipCode,
        [property: Description("The marketing event (车展, say) of rows whose campaign (活动) cell is empty; shown as each lead's source detail.")] string? Campaign,
        [property: Description("The source channel; marketing-event unless said otherwise.")] string? Source,
        [property: Description("utf-8, gb18030, or auto (the default: decided from the bytes).")] string? Encoding,
        [property: Description("The file's name, kept with the import.")] string? FileName,
        [property: Description("An id for the import chosen by the caller, to watch its progress at /api/leads/imports/{id} while its rows are imported; a new one unless given.")] Guid? ImportId);

    /// <summary>Which rows of an import to list.</summary>
    public record ImportRowsQuery(
        [property: Description("Only the rows with this outcome.")] IntakeOutcome? Outcome,
        [property: Description("Rows to skip.")] int? Skip,
        [property: Description("Rows to answer, 1 to 5000 (500 unless said).")] int? Take);

    private sealed record Checked(IntakeDealership Dealership, string Source, CsvEncodingChoice Encoding);

    /// <summary>What the parameters say, checked before the file is received: the dealership, the source, the encoding named.</summary>
    private static async Task<(Checked? Checked, IResult? Problem)> CheckAsync(ImportQuery q, ClaimsPrincipal user, LeadIntakeDbContext db, CancellationToken cancellationToken)
    {
        var code = q.DealershipCode.Trim().ToUpperInvariant();
        var source = string.IsNullOrWhiteSpace(q.Source) ? LeadSources.MarketingEvent : q.Source.Trim().ToLowerInvariant();
        if (!user.MayActFor(code))
            return (null, Problems.NotAllowedBecause($"You may not submit leads for dealership {code}."));
        var dealership = await db.Dealerships.AsNoTracking().SingleOrDefaultAsync(d => d.Code == code, cancellationToken);
        if (dealership is null)
            return (null, Problems.NotFound("dealership", code));
        if (!LeadSources.All.Contains(source))
            return (null, Problems.Invalid("source", $"'{source}' is not a source channel."));
        CsvEncodingChoice? encoding = q.Encoding?.Trim().ToLowerInvariant() switch
        {
            null or "" or "auto" => CsvEncodingChoice.Auto,
            "utf-8" or "utf8" => CsvEncodingChoice.Utf8,
            "gb18030" or "gbk" or "gb2312" => CsvEncodingChoice.Gb18030,
            _ => null,
        };
        return encoding is { } choice
            ? (new Checked(dealership, source, choice), null)
            : (null, Problems.Invalid("encoding", $"'{q.Encoding}' is not supported: use utf-8, gb18030 or auto."));
    }

    /// <summary>A file refused whole: the reason in the file's key, and for the console a word for it and the line.</summary>
    private static ValidationProblem Refused(string reason, string message, int? line = null) =>
        TypedResults.ValidationProblem(IntakeEndpoints.Errors("file", message), extensions: new Dictionary<string, object?> { ["refusal"] = reason, ["line"] = line });

    private static ValidationProblem Refused(CsvFileRefusedException refused) => Refused(refused.Reason, refused.Message, refused.Line);

    // The body is read by hand; RequestBody's refusal is an untyped result.
    private static async Task<IResult> ImportAsync(HttpRequest request, [AsParameters] ImportQuery q,
        ClaimsPrincipal user, LeadIntakeDbContext db, LeadIntakePipeline pipeline, RequestBodyLimits limits, TimeProvider clock, CancellationToken cancellationToken)
    {
        var (checkedQuery, problem) = await CheckAsync(q, user, db, cancellationToken);
        if (problem is not null)
            return problem;
        var given = checkedQuery!;
        if (q.ImportId is { } chosen && await db.ImportJobs.IgnoreQueryFilters().AnyAsync(j => j.Id == chosen, cancellationToken))
            return ImportExists(chosen);

        var (file, tooLarge) = await RequestBody.SpoolAsync(request, limits.For(request.HttpContext), cancellationToken);
        if (tooLarge is not null)
            return tooLarge;
        await using (var upload = file!)
        {
            var (encoding, reader, refusal) = await OpenAsync(upload, given.Encoding, cancellationToken);
            if (refusal is not null)
                return refusal;
            using (reader)
            {
                if (reader.MissingNameAndPhone() is { } missing)
                    return Refused("no-name-or-phone", missing);
                if (await reader.ReadAsync(cancellationToken) is not { } first)
                    return Refused("no-rows", NoRows);

                var job = new ImportJob
                {
                    Id = q.ImportId ?? NewId.NextGuid(), DealershipId = given.Dealership.Id, DealershipCode = given.Dealership.Code, Source = given.Source,
                    Campaign = string.IsNullOrWhiteSpace(q.Campaign) ? null : q.Campaign.Trim(), FileName = q.FileName, Encoding = encoding.Name,
                    Status = ImportStatus.Running, SubmittedBy = user.Identity?.Name ?? "unknown client", StartedAt = clock.GetUtcNow(),
                };
                db.ImportJobs.Add(job);
                try
                {
                    await db.SaveChangesAsync(cancellationToken);
                }
                catch (DbUpdateException) when (q.ImportId is not null)
                {
                    // The same id was given to another file that arrived at the same moment.
                    return ImportExists(job.Id);
                }
                db.ChangeTracker.Clear();

                var counts = new Counts();
                try
                {
                    await ImportRowsAsync(first, reader, job, db, pipeline, counts, cancellationToken);
                }
                catch (Exception ex)
                {
                    // The job must not read as running for ever: it says where it stopped, and the rows before stay imported.
                    var why = ex is OperationCanceledException ? "the request was cancelled" : "of a fault in the service";
                    await SaveProgressAsync(db, job.Id, counts, ImportStatus.Failed, $"The import stopped after {counts.Rows} rows because {why}.",
                        clock.GetUtcNow(), CancellationToken.None);
                    throw;
                }
                await SaveProgressAsync(db, job.Id, counts, ImportStatus.Completed, null, clock.GetUtcNow(), cancellationToken);
                var view = ToView(await db.ImportJobs.AsNoTracking().SingleAsync(j => j.Id == job.Id, cancellationToken));
                return TypedResults.Created($"/api/leads/imports/{job.Id}", view);
            }
        }
    }

    private const string NoRows = "The file has a header row but no leads.";

    private static ConflictProblem ImportExists(Guid id) =>
        Problems.Conflict("Import exists", $"An import with the id {id} was already started; give a new id for another file.");

    private sealed class Counts
    {
        public int Rows, Imported, Merged, Duplicates, Rejected;
    }

    private static async Task ImportRowsAsync(CsvLeadRow first, CsvLeadReader reader, ImportJob job, LeadIntakeDbContext db, LeadIntakePipeline pipeline,
        Counts counts, CancellationToken cancellationToken)
    {
        var channel = new IntakeChannel("csv", $"import {job.Id} by {job.SubmittedBy}");
        var defaults = new CsvRowDefaults(job.DealershipCode, job.Source, job.Campaign, job.FileName ?? job.Id.ToString());
        var pending = new List<ImportRow>(ProgressEvery);
        for (var row = first; row is not null; row = await reader.ReadAsync(cancellationToken))
        {
            counts.Rows++;
            var result = row.Malformed is { } malformed
                ? await pipeline.RejectAsync(channel, row.Raw, IntakeEndpoints.Errors("row", malformed), new SubmitLeadRequest { DealershipCode = job.DealershipCode },
                    job.DealershipId, cancellationToken)
                : await pipeline.SubmitAsync(row.ToRequest(defaults), channel, row.Raw, cancellationToken);
            switch (result.Outcome)
            {
                case IntakeOutcome.Accepted: counts.Imported++; break;
                case IntakeOutcome.Merged: counts.Merged++; break;
                case IntakeOutcome.Duplicate: counts.Duplicates++; break;
                default: counts.Rejected++; break;
            }
            pending.Add(new ImportRow
            {
                Id = NewId.NextGuid(), ImportJobId = job.Id, RowNumber = row.Line, Outcome = result.Outcome, LeadId = result.LeadId, RejectionId = result.RejectionId,
                Reasons = result.Outcome == IntakeOutcome.Rejected ? Text.Truncate(string.Join('\n', IntakeResult.ReasonLines(result.Errors)), 2000) : null,
            });
            // Nothing tracked survives a row: memory stays flat however long the file.
            db.ChangeTracker.Clear();
            if (pending.Count == ProgressEvery)
                await FlushAsync(db, job.Id, pending, counts, cancellationToken);
        }
        await FlushAsync(db, job.Id, pending, counts, cancellationToken);
    }

    private static async Task FlushAsync(LeadIntakeDbContext db, Guid jobId, List<ImportRow> pending, Counts counts, CancellationToken cancellationToken)
    {
        if (pending.Count > 0)
        {
            db.ImportRows.AddRange(pending);
            await db.SaveChangesAsync(cancellationToken);
            db.ChangeTracker.Clear();
            pending.Clear();
        }
        await SaveProgressAsync(db, jobId, counts, ImportStatus.Running, null, null, cancellationToken);
    }

    private static Task SaveProgressAsync(LeadIntakeDbContext db, Guid jobId, Counts c, ImportStatus status, string? error, DateTimeOffset? finishedAt,
        CancellationToken cancellationToken) =>
        db.ImportJobs.Where(j => j.Id == jobId).ExecuteUpdateAsync(s => s
            .SetProperty(j => j.Rows, c.Rows).SetProperty(j => j.Imported, c.Imported).SetProperty(j => j.Merged, c.Merged)
            .SetProperty(j => j.Duplicates, c.Duplicates).SetProperty(j => j.Rejected, c.Rejected)
            .SetProperty(j => j.Status, status).SetProperty(j => j.Error, error).SetProperty(j => j.FinishedAt, finishedAt), cancellationToken);

    /// <summary>The spooled file read as text in the encoding its bytes (or the caller) name, or why it is refused.</summary>
    private static async Task<(CsvTextEncoding Encoding, CsvLeadReader Reader, IResult? Refusal)> OpenAsync(Stream upload, CsvEncodingChoice choice,
        CancellationToken cancellationToken)
    {
        try
        {
            var encoding = await CsvLeadReader.DetectEncodingAsync(upload, choice, cancellationToken);
            return (encoding, await CsvLeadReader.OpenAsync(upload, encoding, cancellationToken), null);
        }
        catch (CsvFileRefusedException refused)
        {
            return (null!, null!, Refused(refused));
        }
    }

    // Reads the whole file like the import does, but only to tell what it would do: nothing is written.
    private static async Task<IResult> PreviewAsync(HttpRequest request, [AsParameters] ImportQuery q,
        ClaimsPrincipal user, LeadIntakeDbContext db, RequestBodyLimits limits, CancellationToken cancellationToken)
    {
        var (checkedQuery, problem) = await CheckAsync(q, user, db, cancellationToken);
        if (problem is not null)
            return problem;
        var given = checkedQuery!;
        var (file, tooLarge) = await RequestBody.SpoolAsync(request, limits.For(request.HttpContext), cancellationToken);
        if (tooLarge is not null)
            return tooLarge;
        await using (var upload = file!)
        {
            var (encoding, reader, refusal) = await OpenAsync(upload, given.Encoding, cancellationToken);
            if (refusal is not null)
                return refusal;
            using (reader)
            {
                var defaults = new CsvRowDefaults(given.Dealership.Code, given.Source, q.Campaign, q.FileName ?? "preview");
                var shown = CsvLeadReader.Fields.Where(f => reader.Maps(f) || f == CsvLeadReader.CampaignField && defaults.Campaign is { Length: > 0 }).ToList();
                var firstRows = new List<CsvPreviewRow>(PreviewRows);
                int rows = 0, withoutCampaign = 0;
                while (await reader.ReadAsync(cancellationToken) is { } row)
                {
                    rows++;
                    if (row.CampaignOr(defaults.Campaign) is null)
                        withoutCampaign++;
                    if (firstRows.Count < PreviewRows)
                        firstRows.Add(Preview(row, shown, defaults, given.Dealership.PhoneRegion));
                }
                var missing = new List<CsvMissing>();
                if (reader.MissingNameAndPhone() is { } noNameOrPhone)
                    missing.Add(new CsvMissing(["name", "phone"], noNameOrPhone, rows, RefusesFile: true));
                if (rows == 0)
                    missing.Add(new CsvMissing([], NoRows, 0, RefusesFile: true));
                // The checks of a lead ask marketing-event leads for their campaign and other-channel leads for the channel's name, which the campaign gives.
                if (withoutCampaign > 0 && given.Source is LeadSources.MarketingEvent or LeadSources.Other)
                {
                    var because = given.Source == LeadSources.Other ? "a lead from another channel names the channel" : "a lead from a marketing event names its campaign";
                    missing.Add(new CsvMissing([CsvLeadReader.CampaignField], reader.Maps(CsvLeadReader.CampaignField)
                        ? $"{withoutCampaign} rows have no campaign (活动) and no campaign was given for them: they would be rejected, as {because}."
                        : $"The file has no campaign (活动) column and no campaign was given: every row would be rejected, as {because}.",
                        withoutCampaign, RefusesFile: false));
                }
                return TypedResults.Ok(new CsvPreview(encoding.Name, rows, reader.Columns, missing, firstRows));
            }
        }
    }

    private static CsvPreviewRow Preview(CsvLeadRow row, IReadOnlyList<string> shown, CsvRowDefaults defaults, string phoneRegion)
    {
        var fields = shown.ToDictionary(f => f, f => f == CsvLeadReader.CampaignField ? row.CampaignOr(defaults.Campaign) : row.Cell(f));
        var reasons = row.Malformed is { } malformed
            ? [$"row: {malformed}"]
            : IntakeResult.ReasonLines(LeadSubmission.Validate(row.ToRequest(defaults), phoneRegion).Errors);
        return new CsvPreviewRow(row.Line, fields, reasons);
    }

    private static async Task<Results<Ok<ImportView>, NotFoundProblem>> GetAsync(Guid id, ClaimsPrincipal user, LeadIntakeDbContext db, CancellationToken cancellationToken)
    {
        var job = await db.ImportJobs.AsNoTracking().SingleOrDefaultAsync(j => j.Id == id, cancellationToken);
        return job is null || !user.MayActFor(job.DealershipCode) ? Problems.NotFound("import", id) : TypedResults.Ok(ToView(job));
    }

    private static async Task<Results<Ok<List<ImportRowView>>, NotFoundProblem>> RowsAsync(Guid id, [AsParameters] ImportRowsQuery q, ClaimsPrincipal user,
        LeadIntakeDbContext db, CancellationToken cancellationToken)
    {
        var job = await db.ImportJobs.AsNoTracking().SingleOrDefaultAsync(j => j.Id == id, cancellationToken);
        if (job is null || !user.MayActFor(job.DealershipCode))
            return Problems.NotFound("import", id);
        var query = db.ImportRows.AsNoTracking().Where(r => r.ImportJobId == id);
        if (q.Outcome is { } outcome)
            query = query.Where(r => r.Outcome == outcome);
        var rows = await query.OrderBy(r => r.RowNumber).Skip(Math.Max(q.Skip ?? 0, 0)).Take(Math.Clamp(q.Take ?? 500, 1, 5000)).ToListAsync(cancellationToken);
        return TypedResults.Ok(rows.Select(r => new ImportRowView(r.RowNumber, r.Outcome, r.LeadId, r.RejectionId,
            r.Reasons?.Split('\n', StringSplitOptions.RemoveEmptyEntries) ?? [])).ToList());
    }

    private static ImportView ToView(ImportJob j) => new(j.Id, j.DealershipId, j.DealershipCode, j.Source, j.Campaign, j.FileName, j.Encoding, j.Status,
        j.Rows, j.Imported, j.Merged, j.Duplicates, j.Rejected, j.Error, j.StartedAt, j.FinishedAt);
}
