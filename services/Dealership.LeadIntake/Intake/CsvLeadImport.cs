using System.ComponentModel;
using System.Globalization;
using System.Security.Claims;
using System.Text;
using CsvHelper;
using Dealership.Hosting;
using Dealership.Hosting.Api;
using Dealership.Hosting.Security;
using MassTransit;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.Routing;
using Microsoft.EntityFrameworkCore;

namespace Dealership.LeadIntake.Intake;

/// <summary>
/// CSV files of event leads: UTF-8 or GB18030 (detected, or named), headers in Chinese or English.
/// The file is read as it streams in; each row goes through the intake pipeline on its own, and the
/// import's counters are committed every <see cref="ProgressEvery"/> rows so its progress can be watched.
/// </summary>
public static class CsvLeadImport
{
    public const int ProgressEvery = 100;

    static CsvLeadImport() => Encoding.RegisterProvider(CodePagesEncodingProvider.Instance);

    private static readonly Dictionary<string, string> Headers = new(StringComparer.OrdinalIgnoreCase)
    {
        ["name"] = "name", ["姓名"] = "name", ["客户姓名"] = "name", ["客户名称"] = "name", ["联系人"] = "name",
        ["phone"] = "phone", ["mobile"] = "phone", ["电话"] = "phone", ["手机"] = "phone", ["手机号"] = "phone", ["手机号码"] = "phone", ["联系电话"] = "phone",
        ["email"] = "email", ["邮箱"] = "email", ["电子邮箱"] = "email",
        ["vehicle"] = "vehicle", ["vehicleOfInterest"] = "vehicle", ["model"] = "vehicle", ["意向车型"] = "vehicle", ["车型"] = "vehicle",
        ["externalId"] = "externalId", ["id"] = "externalId", ["编号"] = "externalId", ["外部编号"] = "externalId", ["线索编号"] = "externalId",
        ["note"] = "note", ["comments"] = "note", ["备注"] = "note",
        ["smsConsent"] = "smsConsent", ["短信同意"] = "smsConsent", ["同意短信"] = "smsConsent",
        ["phoneConsent"] = "phoneConsent", ["电话同意"] = "phoneConsent", ["同意电话"] = "phoneConsent",
    };

    public record ImportView(Guid Id, Guid DealershipId, string DealershipCode, string Source, string? Campaign, string? FileName, string Encoding, ImportStatus Status,
        int Rows, int Imported, int Merged, int Duplicates, int Rejected, string? Error, DateTimeOffset StartedAt, DateTimeOffset? FinishedAt);
    public record ImportRowView(int Row, IntakeOutcome Outcome, Guid? LeadId, Guid? RejectionId, IReadOnlyList<string> Reasons);

    public static void MapCsvImportEndpoints(this IEndpointRouteBuilder endpoints)
    {
        var group = endpoints.MapGroup("/api/leads/imports").WithTags("Intake").RequireAuthorization()
            .AllowClients(ClientScopes.SubmitLeads).RequireRateLimiting(RateLimits.Intake).WithRequestBodyLimit(RequestBodyLimits.Import);
        group.MapPost("/", ImportAsync)
            .WithSummary("Import a CSV file of leads (body: the file; UTF-8 or GB18030); answers with the import's report")
            .Accepts<string>("text/csv")
            .WithRequestExample(Example, "The file itself: a header row (Chinese or English column names: 姓名/name, 手机/phone, 邮箱/email, " +
                "意向车型/vehicle, 编号/externalId, 备注/note, 短信同意/smsConsent, 电话同意/phoneConsent) and one lead per row.")
            .Produces<ImportView>(StatusCodes.Status201Created)
            .ProducesValidationProblem()
            .ProducesProblem(StatusCodes.Status403Forbidden)
            .ProducesProblem(StatusCodes.Status404NotFound)
            .ProducesProblem(StatusCodes.Status409Conflict)
            .ProducesProblem(StatusCodes.Status413PayloadTooLarge);
        group.MapGet("/{id:guid}", GetAsync).WithSummary("An import's progress and counts");
        group.MapGet("/{id:guid}/rows", RowsAsync).WithSummary("What became of each row: imported, merged, duplicate or rejected with reasons");
    }

    private const string Example = "姓名,手机,意向车型,短信同意\n王建国,139 1234 8801,ID.4 CROZZ,是\n李娜,138 0013 8002,帕萨特,否\n";

    /// <summary>Whose file it is and how to read it.</summary>
    public record ImportQuery(
        [property: Description("The dealership the file's leads are for, by its code.")] string DealershipCode,
        [property: Description("The marketing event the leads were collected at (车展, say); shown as each lead's source detail.")] string? Campaign,
        [property: Description("The source channel; marketing-event unless said otherwise.")] string? Source,
        [property: Description("utf-8, gb18030, or auto (the default: UTF-8 unless the bytes say otherwise).")] string? Encoding,
        [property: Description("The file's name, kept with the import.")] string? FileName,
        [property: Description("An id for the import chosen by the caller, to watch its progress at /api/leads/imports/{id} while the file is still streaming in; a new one unless given.")] Guid? ImportId);

    /// <summary>Which rows of an import to list.</summary>
    public record ImportRowsQuery(
        [property: Description("Only the rows with this outcome.")] IntakeOutcome? Outcome,
        [property: Description("Rows to skip.")] int? Skip,
        [property: Description("Rows to answer, 1 to 5000 (500 unless said).")] int? Take);

    // The body is read by hand as it streams in; RequestBody's refusal is an untyped result.
    private static async Task<IResult> ImportAsync(HttpRequest request, [AsParameters] ImportQuery q,
        ClaimsPrincipal user, LeadIntakeDbContext db, LeadIntakePipeline pipeline, RequestBodyLimits limits, TimeProvider clock, CancellationToken cancellationToken)
    {
        var (code, campaign, encoding, fileName) = (q.DealershipCode.Trim().ToUpperInvariant(), q.Campaign, q.Encoding, q.FileName);
        var source = string.IsNullOrWhiteSpace(q.Source) ? LeadSources.MarketingEvent : q.Source.Trim().ToLowerInvariant();
        if (!user.MayActFor(code))
            return Problems.NotAllowedBecause($"You may not submit leads for dealership {code}.");
        var dealership = await db.Dealerships.AsNoTracking().SingleOrDefaultAsync(d => d.Code == code, cancellationToken);
        if (dealership is null)
            return Problems.NotFound("dealership", code);
        if (!LeadSources.All.Contains(source))
            return Problems.Invalid("source", $"'{source}' is not a source channel.");

        var body = new PeekableStream(request.Body);
        await body.PeekAsync(64 * 1024, cancellationToken);
        Encoding textEncoding;
        switch (encoding?.Trim().ToLowerInvariant())
        {
            case null or "" or "auto":
                textEncoding = LooksLikeUtf8(body.Peeked) ? new UTF8Encoding(false, true) : Encoding.GetEncoding("GB18030");
                break;
            case "utf-8" or "utf8":
                textEncoding = new UTF8Encoding(false, true);
                break;
            case "gb18030" or "gbk" or "gb2312":
                textEncoding = Encoding.GetEncoding("GB18030");
                break;
            default:
                return Problems.Invalid("encoding", $"'{encoding}' is not supported: use utf-8, gb18030 or auto.");
        }

        if (q.ImportId is { } chosen && await db.ImportJobs.IgnoreQueryFilters().AnyAsync(j => j.Id == chosen, cancellationToken))
            return Problems.Conflict("Import exists", $"An import with the id {chosen} was already started; give a new id for another file.");
        var job = new ImportJob
        {
            Id = q.ImportId ?? NewId.NextGuid(), DealershipId = dealership.Id, DealershipCode = dealership.Code, Source = source,
            Campaign = string.IsNullOrWhiteSpace(campaign) ? null : campaign.Trim(), FileName = fileName,
            Encoding = textEncoding.WebName, Status = ImportStatus.Running, SubmittedBy = user.Identity?.Name ?? "unknown client", StartedAt = clock.GetUtcNow(),
        };
        db.ImportJobs.Add(job);
        await db.SaveChangesAsync(cancellationToken);

        var counts = new Counts();
        string? error = null;
        try
        {
            error = await ImportRowsAsync(body, textEncoding, job, db, pipeline, counts, cancellationToken);
        }
        catch (DecoderFallbackException)
        {
            error = $"The file is not valid {textEncoding.WebName} text after row {counts.Rows}; name the file's encoding (encoding=gb18030 or utf-8).";
        }
        catch (BadHttpRequestException ex) when (ex.StatusCode == StatusCodes.Status413PayloadTooLarge)
        {
            error = $"The file is larger than {limits.For(request.HttpContext) / 1024 / 1024} MiB; the rows before row {counts.Rows + 1} were imported.";
        }
        await SaveProgressAsync(db, job.Id, counts, error is null ? ImportStatus.Completed : ImportStatus.Failed, error, clock.GetUtcNow(), cancellationToken);

        var view = ToView(await db.ImportJobs.AsNoTracking().SingleAsync(j => j.Id == job.Id, cancellationToken));
        return error is null
            ? TypedResults.Created($"/api/leads/imports/{job.Id}", view)
            : TypedResults.ValidationProblem(IntakeEndpoints.Errors("file", error), extensions: new Dictionary<string, object?> { ["importId"] = job.Id });
    }

    private sealed class Counts
    {
        public int Rows, Imported, Merged, Duplicates, Rejected;
    }

    /// <summary>Imports every row; returns why the file as a whole cannot be read, or null.</summary>
    private static async Task<string?> ImportRowsAsync(Stream body, Encoding encoding, ImportJob job, LeadIntakeDbContext db, LeadIntakePipeline pipeline,
        Counts counts, CancellationToken cancellationToken)
    {
        string? badData = null;
        var options = new CsvReaderOptions
        {
            TrimWhitespace = true,
            // Rows are reported by their line in the file, as a person finds them in an editor.
            TrackLineNumbers = true,
            // An unclosed quote must not swallow the rest of a large file into one record.
            MaxRecordSize = 64 * 1024,
            OnMalformedRecord = record => badData = $"the row is not well-formed CSV ({record.Reason})",
        };
        using var reader = new StreamReader(body, encoding, detectEncodingFromByteOrderMarks: true);
        using var csv = CsvReader.Create(reader, options, leaveOpen: true);
        await csv.ReadHeaderAsync(cancellationToken);
        var headers = csv.Headers.ToList();
        if (headers.Count == 0)
            return "The file is empty: it needs a header row and at least one lead.";
        var columns = headers
            .Select((header, index) => (Field: Headers.GetValueOrDefault(header.Trim().TrimStart('\uFEFF')), index))
            .Where(c => c.Field is not null)
            .GroupBy(c => c.Field!)
            .ToDictionary(g => g.Key, g => g.First().index);
        if (!columns.ContainsKey("name") && !columns.ContainsKey("phone"))
            return $"The file has no name or phone column. Columns found: {string.Join(", ", headers)}.";

        var channel = new IntakeChannel("csv", $"import {job.Id} by {job.SubmittedBy}");
        var pending = new List<ImportRow>(ProgressEvery);
        while (await csv.ReadAsync(cancellationToken))
        {
            counts.Rows++;
            var rowNumber = (int)csv.LineNumber;
            var values = columns.ToDictionary(c => c.Key, c => csv.GetStringOrNull(c.Value));
            string? Field(string name) => values.GetValueOrDefault(name);
            var raw = Encoding.UTF8.GetString(csv.RawRecord);
            IntakeResult result;
            if (badData is not null)
            {
                result = await pipeline.RejectAsync(channel, raw, IntakeEndpoints.Errors("row", badData), new SubmitLeadRequest { DealershipCode = job.DealershipCode },
                    job.DealershipId, cancellationToken);
                badData = null;
            }
            else
            {
                var phone = Field("phone");
                var lead = new SubmitLeadRequest
                {
                    DealershipCode = job.DealershipCode, Source = job.Source, Campaign = job.Campaign, ChannelName = job.Campaign,
                    ExternalId = Field("externalId") is { Length: > 0 } id ? id : $"csv:{job.Campaign ?? "import"}:{(string.IsNullOrWhiteSpace(phone) ? Field("name") : phone)}",
                    Name = Field("name"), Phone = phone, Email = Field("email"), VehicleOfInterest = Field("vehicle"), Note = Field("note"),
                    Consent = Consent(Field("smsConsent"), Field("phoneConsent"), job),
                };
                result = await pipeline.SubmitAsync(lead, channel, raw, cancellationToken);
            }
            switch (result.Outcome)
            {
                case IntakeOutcome.Accepted: counts.Imported++; break;
                case IntakeOutcome.Merged: counts.Merged++; break;
                case IntakeOutcome.Duplicate: counts.Duplicates++; break;
                default: counts.Rejected++; break;
            }
            pending.Add(new ImportRow
            {
                Id = NewId.NextGuid(), ImportJobId = job.Id, RowNumber = rowNumber, Outcome = result.Outcome, LeadId = result.LeadId, RejectionId = result.RejectionId,
                Reasons = result.Outcome == IntakeOutcome.Rejected ? Text.Truncate(string.Join('\n', IntakeResult.ReasonLines(result.Errors)), 2000) : null,
            });
            // Nothing tracked survives a row: memory stays flat however long the file.
            db.ChangeTracker.Clear();
            if (pending.Count == ProgressEvery)
                await FlushAsync(db, job.Id, pending, counts, cancellationToken);
        }
        await FlushAsync(db, job.Id, pending, counts, cancellationToken);
        return counts.Rows == 0 ? "The file has a header row but no leads." : null;
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

    private static ConsentStatement? Consent(string? sms, string? phone, ImportJob job)
    {
        var smsAnswer = YesNo(sms);
        var phoneAnswer = YesNo(phone);
        return smsAnswer is null && phoneAnswer is null ? null
            : new ConsentStatement { Sms = smsAnswer, Phone = phoneAnswer, Source = $"{job.Campaign ?? job.Source} sign-up form (import {job.FileName ?? job.Id.ToString()})" };
    }

    private static bool? YesNo(string? value) => value?.Trim().ToLowerInvariant() switch
    {
        "yes" or "y" or "true" or "1" or "是" or "同意" => true,
        "no" or "n" or "false" or "0" or "否" or "不同意" => false,
        _ => null,
    };

    /// <summary>True when the bytes decode as UTF-8; a character cut at the end of the sample does not count against it.</summary>
    private static bool LooksLikeUtf8(ReadOnlySpan<byte> sample)
    {
        var decoder = new UTF8Encoding(false, true).GetDecoder();
        try
        {
            decoder.GetCharCount(sample, flush: false);
            return true;
        }
        catch (DecoderFallbackException)
        {
            return false;
        }
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

/// <summary>A read-only stream whose first bytes can be looked at before it is read from the start.</summary>
internal sealed class PeekableStream(Stream inner) : Stream
{
    private byte[] _peeked = [];
    private int _position;

    public ReadOnlySpan<byte> Peeked => _peeked;

    public async Task PeekAsync(int count, CancellationToken cancellationToken)
    {
        var buffer = new byte[count];
        var filled = 0;
        int read;
        while (filled < count && (read = await inner.ReadAsync(buffer.AsMemory(filled, count - filled), cancellationToken)) > 0)
            filled += read;
        _peeked = buffer[..filled];
    }

    public override async ValueTask<int> ReadAsync(Memory<byte> buffer, CancellationToken cancellationToken = default)
    {
        if (_position < _peeked.Length)
        {
            var n = Math.Min(buffer.Length, _peeked.Length - _position);
            _peeked.AsMemory(_position, n).CopyTo(buffer);
            _position += n;
            return n;
        }
        return await inner.ReadAsync(buffer, cancellationToken);
    }

    public override Task<int> ReadAsync(byte[] buffer, int offset, int count, CancellationToken cancellationToken) =>
        ReadAsync(buffer.AsMemory(offset, count), cancellationToken).AsTask();

    public override int Read(byte[] buffer, int offset, int count) => ReadAsync(buffer, offset, count, CancellationToken.None).GetAwaiter().GetResult();

    public override bool CanRead => true;
    public override bool CanSeek => false;
    public override bool CanWrite => false;
    public override long Length => throw new NotSupportedException();
    public override long Position { get => throw new NotSupportedException(); set => throw new NotSupportedException(); }
    public override void Flush() { }
    public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();
    public override void SetLength(long value) => throw new NotSupportedException();
    public override void Write(byte[] buffer, int offset, int count) => throw new NotSupportedException();
}
