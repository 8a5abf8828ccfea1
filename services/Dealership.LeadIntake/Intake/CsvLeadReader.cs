using System.Buffers;
using System.Text;
using System.Text.RegularExpressions;
using CsvHelper;
using Dealership.LeadIntake.Leads;

namespace Dealership.LeadIntake.Intake;

/// <summary>Which encoding the caller says the file is in; <see cref="Auto"/> lets the bytes decide.</summary>
public enum CsvEncodingChoice
{
    Auto,
    Utf8,
    Gb18030,
}

/// <summary>How a file's bytes are read as text: its encoding, and the byte order mark to skip.</summary>
public sealed record CsvTextEncoding(string Name, Encoding Encoding, int PreambleLength);

/// <summary>
/// Why a file is refused as a whole, before anything of it is imported.
/// <see cref="Reason"/> is a word the console translates: empty, utf-16, broken-utf-8, not-utf-8, not-gb18030, neither,
/// no-header, no-name-or-phone, no-rows.
/// </summary>
public sealed class CsvFileRefusedException(string reason, string message, int? line = null) : Exception(message)
{
    public string Reason { get; } = reason;
    public int? Line { get; } = line;
}

/// <summary>A column of the file: its header as written, and the lead's field it fills (null: the column is ignored).</summary>
public sealed record CsvColumn(string Header, string? Field);

/// <summary>What every row of one file shares: whose leads they are, and what a row leaves empty.</summary>
/// <param name="Campaign">The campaign of rows whose own campaign cell is empty.</param>
/// <param name="ImportName">The file's name or the import's id, for where consent was given.</param>
public sealed record CsvRowDefaults(string DealershipCode, string Source, string? Campaign, string ImportName);

/// <summary>One data row: the line it starts on, its text, its cells by field, and why it is not well-formed CSV (or null).</summary>
public sealed record CsvLeadRow(int Line, string Raw, IReadOnlyDictionary<string, string?> Cells, string? Malformed)
{
    public string? Cell(string field) => Cells.GetValueOrDefault(field) is { Length: > 0 } value ? value : null;

    /// <summary>The row's own campaign, else the one given for the file.</summary>
    public string? CampaignOr(string? given) => Cell(CsvLeadReader.CampaignField) ?? (string.IsNullOrWhiteSpace(given) ? null : given.Trim());

    public SubmitLeadRequest ToRequest(CsvRowDefaults defaults)
    {
        var campaign = CampaignOr(defaults.Campaign);
        var phone = Cell("phone");
        var city = Cell("city");
        var street = Cell("address");
        return new SubmitLeadRequest
        {
            DealershipCode = defaults.DealershipCode, Source = defaults.Source, Campaign = campaign, ChannelName = campaign,
            // Without the sender's own id, the same person at the same event is recognised by phone (else name).
            ExternalId = Cell("externalId") ?? $"csv:{campaign ?? "import"}:{phone ?? Cell("name")}",
            Name = Cell("name"), Phone = phone, Email = Cell("email"), VehicleOfInterest = Cell("vehicle"), Note = Cell("note"),
            Timeframe = Cell("timeframe") is { } timeframe ? new PurchaseTimeframe { Description = timeframe } : null,
            Address = city is null && street is null ? null : new PostalAddress { City = city, Street = street },
            PreferredContactTime = Cell("preferredContactTime"),
            Consent = Consent(campaign, defaults),
        };
    }

    private ConsentStatement? Consent(string? campaign, CsvRowDefaults defaults)
    {
        var sms = YesNo(Cell("smsConsent"));
        var phone = YesNo(Cell("phoneConsent"));
        return sms is null && phone is null ? null
            : new ConsentStatement { Sms = sms, Phone = phone, Source = $"{campaign ?? defaults.Source} sign-up form (import {defaults.ImportName})" };
    }

    private static bool? YesNo(string? value) => value?.Trim().ToLowerInvariant() switch
    {
        "yes" or "y" or "true" or "1" or "是" or "同意" => true,
        "no" or "n" or "false" or "0" or "否" or "不同意" => false,
        _ => null,
    };
}

/// <summary>
/// Reads a CSV file of event leads: decides its encoding from all of its bytes before a row is read, maps its
/// headers (Chinese or English) to the lead's fields, and turns each row into a lead request.
/// </summary>
public sealed partial class CsvLeadReader : IDisposable
{
    public const string CampaignField = "campaign";

    /// <summary>The lead's fields a column can fill, in the order a person reads them.</summary>
    public static readonly IReadOnlyList<string> Fields =
        ["name", "phone", "email", CampaignField, "vehicle", "timeframe", "city", "address", "preferredContactTime", "externalId", "note", "smsConsent", "phoneConsent"];

    // Keys are written as HeaderKey leaves a header: lower case, without spaces, underscores, hyphens, stars or a
    // bracketed remark, so "Phone Number", "手机号码（必填）" and "*姓名" are found as the sheet's author meant them.
    private static readonly Dictionary<string, string> Headers = Map(
        ("name", ["name", "fullname", "customername", "customer", "姓名", "客户姓名", "客户名称", "客户", "联系人", "名字"]),
        ("phone", ["phone", "mobile", "mobilephone", "phonenumber", "cellphone", "tel", "telephone", "电话", "手机", "手机号", "手机号码", "联系电话", "电话号码", "联系方式"]),
        ("email", ["email", "mail", "emailaddress", "邮箱", "电子邮箱", "邮件"]),
        (CampaignField, ["campaign", "campaignname", "event", "eventname", "活动", "活动名称", "市场活动", "活动名", "来源活动"]),
        ("vehicle", ["vehicle", "vehicleofinterest", "model", "carmodel", "意向车型", "车型", "意向车系", "车系"]),
        ("timeframe", ["timeframe", "purchasetimeframe", "购车时间", "预计购车时间", "计划购车时间", "购车计划"]),
        ("city", ["city", "城市", "所在城市"]),
        ("address", ["address", "street", "地址", "联系地址", "详细地址"]),
        ("preferredContactTime", ["contacttime", "preferredcontacttime", "besttimetocall", "方便联系时间", "联系时间"]),
        ("externalId", ["externalid", "id", "leadid", "编号", "外部编号", "线索编号", "线索id"]),
        ("note", ["note", "notes", "comment", "comments", "remark", "remarks", "备注", "留言", "客户留言"]),
        ("smsConsent", ["smsconsent", "短信同意", "同意短信", "接收短信"]),
        ("phoneConsent", ["phoneconsent", "电话同意", "同意电话"]));

    private static Dictionary<string, string> Map(params (string Field, string[] Headers)[] fields) =>
        fields.SelectMany(f => f.Headers.Select(h => (h, f.Field))).ToDictionary(p => p.h, p => p.Field);

    /// <summary>The field a header fills, or null when the column is not one of them.</summary>
    public static string? FieldOf(string header) => Headers.GetValueOrDefault(HeaderKey(header));

    private static string HeaderKey(string header) => Decorations().Replace(header.Trim().TrimStart('\uFEFF'), "").ToLowerInvariant();

    [GeneratedRegex(@"[(（][^)）]*[)）]|[\s_\-*＊]")]
    private static partial Regex Decorations();

    static CsvLeadReader() => Encoding.RegisterProvider(CodePagesEncodingProvider.Instance);

    private static Encoding StrictUtf8 => new UTF8Encoding(false, throwOnInvalidBytes: true);

    private static Encoding StrictGb18030 => Encoding.GetEncoding("GB18030", EncoderFallback.ExceptionFallback, DecoderFallback.ExceptionFallback);

    private const int ScanBuffer = 64 * 1024;

    /// <summary>
    /// The file's encoding, decided from every byte, so a file that is not text in it is refused before a row is read.
    /// A UTF-8 byte order mark means UTF-8. Otherwise a file that is valid UTF-8 is UTF-8; one that is mostly UTF-8
    /// with a bad byte is UTF-8 damaged (read as GB18030 it would import as mojibake); else it is GB18030 if it is that.
    /// </summary>
    /// <exception cref="CsvFileRefusedException">Empty, UTF-16, or not text in the encoding named or in either.</exception>
    public static async Task<CsvTextEncoding> DetectEncodingAsync(Stream file, CsvEncodingChoice choice, CancellationToken cancellationToken)
    {
        file.Position = 0;
        var head = new byte[3];
        var length = await file.ReadAtLeastAsync(head, head.Length, throwOnEndOfStream: false, cancellationToken);
        if (length == 0)
            throw new CsvFileRefusedException("empty", "The file is empty: it needs a header row and at least one lead.");
        if (length >= 2 && (head[0], head[1]) is (0xFF, 0xFE) or (0xFE, 0xFF))
            throw new CsvFileRefusedException("utf-16",
                "The file is UTF-16 text (Excel's \"Unicode text\"), which is not read here: save it from Excel as \"CSV UTF-8 (comma delimited)\" and import it again.");
        var bom = length == 3 && head is [0xEF, 0xBB, 0xBF] ? 3 : 0;

        if (bom > 0 || choice == CsvEncodingChoice.Utf8)
        {
            var scan = await ScanUtf8Async(file, bom, cancellationToken);
            if (scan.Invalid == 0)
                return new CsvTextEncoding("utf-8", StrictUtf8, bom);
            throw bom > 0 ? BrokenUtf8(scan.FirstInvalidLine)
                : new CsvFileRefusedException("not-utf-8", $"The file is not UTF-8 text: line {scan.FirstInvalidLine} holds a byte that is not UTF-8. " +
                    "Send it with encoding=auto, or encoding=gb18030 when Excel saved it as plain \"CSV\" on a Chinese Windows.", scan.FirstInvalidLine);
        }
        if (choice == CsvEncodingChoice.Gb18030)
        {
            return await FirstNonGb18030LineAsync(file, cancellationToken) is { } line
                ? throw new CsvFileRefusedException("not-gb18030", $"The file is not GB18030 text: line {line} holds bytes that are not GB18030. " +
                    "Send it with encoding=auto, or encoding=utf-8.", line)
                : new CsvTextEncoding("gb18030", StrictGb18030, 0);
        }

        var utf8 = await ScanUtf8Async(file, 0, cancellationToken);
        if (utf8.Invalid == 0)
            return new CsvTextEncoding("utf-8", StrictUtf8, 0);
        // Read as UTF-8, GB18030 text makes a bad sequence of nearly every character and a good one of few; UTF-8 text
        // with a damaged byte is the other way round. Taking the first good sequence before the first bad one as the
        // sign would refuse about one small GB18030 file in six, whose first Chinese characters happen to look like UTF-8.
        if (utf8.Valid > utf8.Invalid)
            throw BrokenUtf8(utf8.FirstInvalidLine);
        if (await FirstNonGb18030LineAsync(file, cancellationToken) is { } neither)
            throw new CsvFileRefusedException("neither", $"The file is neither UTF-8 nor GB18030 text (line {neither} holds bytes that are neither). " +
                "Save it from Excel as \"CSV UTF-8 (comma delimited)\" and import it again.", neither);
        return new CsvTextEncoding("gb18030", StrictGb18030, 0);
    }

    private static CsvFileRefusedException BrokenUtf8(int line) =>
        new("broken-utf-8", $"The file is UTF-8 text, but line {line} holds a byte that is not UTF-8 (a damaged character), so none of it is imported. " +
            "Correct that line, or save the file from Excel again as \"CSV UTF-8 (comma delimited)\".", line);

    private sealed record Utf8Scan(long Valid, long Invalid, int FirstInvalidLine);

    /// <summary>Counts the well-formed multi-byte UTF-8 sequences and the bad ones, and finds the line of the first bad one.</summary>
    private static async Task<Utf8Scan> ScanUtf8Async(Stream file, int skip, CancellationToken cancellationToken)
    {
        file.Position = skip;
        var buffer = ArrayPool<byte>.Shared.Rent(ScanBuffer + 4);
        try
        {
            long valid = 0, invalid = 0;
            int line = 1, firstInvalid = 0, carried = 0;
            while (true)
            {
                var read = await file.ReadAsync(buffer.AsMemory(carried, ScanBuffer), cancellationToken);
                var end = read == 0;
                var bytes = buffer.AsSpan(0, carried + read);
                var i = 0;
                while (i < bytes.Length)
                {
                    var ascii = bytes[i..].IndexOfAnyExceptInRange((byte)0, (byte)0x7F);
                    if (ascii < 0)
                    {
                        line += bytes[i..].Count((byte)'\n');
                        i = bytes.Length;
                        break;
                    }
                    line += bytes.Slice(i, ascii).Count((byte)'\n');
                    i += ascii;
                    var status = Rune.DecodeFromUtf8(bytes[i..], out _, out var consumed);
                    // A character cut by the end of the buffer is decided with the next one.
                    if (status == OperationStatus.NeedMoreData && !end)
                        break;
                    if (status == OperationStatus.Done)
                        valid++;
                    else if (invalid++ == 0)
                        firstInvalid = line;
                    i += consumed;
                }
                carried = bytes.Length - i;
                bytes[i..].CopyTo(buffer);
                if (end)
                    return new Utf8Scan(valid, invalid, firstInvalid);
            }
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(buffer);
        }
    }

    /// <summary>The line of the first bytes that are not GB18030, or null when all of the file is GB18030 text.</summary>
    private static async Task<int?> FirstNonGb18030LineAsync(Stream file, CancellationToken cancellationToken)
    {
        file.Position = 0;
        var encoding = StrictGb18030;
        var decoder = encoding.GetDecoder();
        var bytes = new byte[ScanBuffer];
        var chars = new char[encoding.GetMaxCharCount(ScanBuffer)];
        var line = 1;
        while (true)
        {
            var read = await file.ReadAsync(bytes, cancellationToken);
            try
            {
                // GetChars, not GetCharCount: only it keeps a character cut by the end of the buffer for the next one.
                decoder.GetChars(bytes, 0, read, chars, 0, flush: read == 0);
            }
            catch (DecoderFallbackException ex)
            {
                return line + bytes.AsSpan(0, Math.Clamp(ex.Index, 0, read)).Count((byte)'\n');
            }
            if (read == 0)
                return null;
            line += bytes.AsSpan(0, read).Count((byte)'\n');
        }
    }

    private readonly StreamReader _text;
    private readonly CsvReader _csv;
    private Dictionary<string, int> _columnOf = [];
    private string? _malformed;

    /// <summary>Every column of the file in its order, with the field it fills.</summary>
    public IReadOnlyList<CsvColumn> Columns { get; private set; } = [];

    private CsvLeadReader(Stream file, CsvTextEncoding encoding)
    {
        file.Position = encoding.PreambleLength;
        var options = new CsvReaderOptions
        {
            TrimWhitespace = true,
            // Rows are reported by their line in the file, as a person finds them in an editor.
            TrackLineNumbers = true,
            // An unclosed quote must not swallow the rest of a large file into one record.
            MaxRecordSize = 64 * 1024,
            OnMalformedRecord = record => _malformed = $"the row is not well-formed CSV ({record.Reason})",
        };
        _text = new StreamReader(file, encoding.Encoding, detectEncodingFromByteOrderMarks: false, leaveOpen: true);
        _csv = CsvReader.Create(_text, options, leaveOpen: true);
    }

    /// <summary>Opens the file, in the encoding <see cref="DetectEncodingAsync"/> decided, and reads its header row.</summary>
    /// <exception cref="CsvFileRefusedException">The file has no header row.</exception>
    public static async Task<CsvLeadReader> OpenAsync(Stream file, CsvTextEncoding encoding, CancellationToken cancellationToken)
    {
        var reader = new CsvLeadReader(file, encoding);
        try
        {
            await reader._csv.ReadHeaderAsync(cancellationToken);
            var headers = reader._csv.Headers.ToList();
            if (headers.Count == 0)
                throw new CsvFileRefusedException("empty", "The file is empty: it needs a header row and at least one lead.");
            // Two columns for one field: the first counts, as a person reading left to right takes it; the other is ignored.
            var taken = new HashSet<string>();
            reader.Columns = headers.Select(h => new CsvColumn(h.Trim(), FieldOf(h) is { } field && taken.Add(field) ? field : null)).ToList();
            reader._columnOf = reader.Columns.Select((c, index) => (c.Field, index)).Where(c => c.Field is not null).ToDictionary(c => c.Field!, c => c.index);
            return reader;
        }
        catch
        {
            reader.Dispose();
            throw;
        }
    }

    public bool Maps(string field) => _columnOf.ContainsKey(field);

    /// <summary>Why the import refuses the file for its columns, or null: a lead needs a name or a phone number.</summary>
    public string? MissingNameAndPhone() => Maps("name") || Maps("phone") ? null
        : $"The file has no name or phone column (姓名, 手机 or their English names). Columns found: {string.Join(", ", Columns.Select(c => c.Header))}.";

    /// <summary>The next row, or null at the end of the file.</summary>
    public async Task<CsvLeadRow?> ReadAsync(CancellationToken cancellationToken)
    {
        if (!await _csv.ReadAsync(cancellationToken))
            return null;
        var cells = _columnOf.ToDictionary(c => c.Key, c => _csv.GetStringOrNull(c.Value));
        var row = new CsvLeadRow((int)_csv.LineNumber, Encoding.UTF8.GetString(_csv.RawRecord), cells, _malformed);
        _malformed = null;
        return row;
    }

    public void Dispose()
    {
        _csv.Dispose();
        _text.Dispose();
    }
}
