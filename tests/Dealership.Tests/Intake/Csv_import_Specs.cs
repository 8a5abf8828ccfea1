using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json;
using Dealership.LeadIntake;
using Dealership.Tests.Support;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;

namespace Dealership.Tests.Intake;

/// <summary>
/// A marketing event's sheet as dealership staff save it from Excel: Chinese or English headers with each row's own
/// campaign (活动), UTF-8 with or without a byte order mark or GB18030; a file that is not text in either is refused
/// whole, and a preview tells how a file would be read before anything is imported.
/// </summary>
public sealed class Csv_import_Specs : IAsyncLifetime
{
    private TestApp _app = null!;

    static Csv_import_Specs() => Encoding.RegisterProvider(CodePagesEncodingProvider.Instance);

    public async Task InitializeAsync() => _app = await TestApp.StartAsync();

    public async Task DisposeAsync() => await _app.DisposeAsync();

    private static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web);

    private sealed record Column(string Header, string? Field);
    private sealed record Missing(List<string> Fields, string Message, int Rows, bool RefusesFile);
    private sealed record PreviewRow(int Line, Dictionary<string, string?> Fields, List<string> Reasons);
    private sealed record Preview(string Encoding, int Rows, List<Column> Columns, List<Missing> Missing, List<PreviewRow> FirstRows);

    private Task<HttpResponseMessage> PostAsync(string path, byte[] csv, string query) =>
        _app.Client.PostAsync($"{path}?dealershipCode=DEMO01&{query}", new ByteArrayContent(csv) { Headers = { ContentType = new MediaTypeHeaderValue("text/csv") } });

    private Task<HttpResponseMessage> ImportAsync(byte[] csv, string query = "") => PostAsync("/api/leads/imports", csv, query);

    private Task<HttpResponseMessage> PreviewAsync(byte[] csv, string query = "") => PostAsync("/api/leads/imports/preview", csv, query);

    private static async Task<T> Read<T>(HttpResponseMessage response, HttpStatusCode expected)
    {
        var body = await response.Content.ReadAsStringAsync();
        Assert.True(response.StatusCode == expected, $"{(int)response.StatusCode}: {body}");
        return JsonSerializer.Deserialize<T>(body, Json)!;
    }

    private async Task<List<ImportRowView>> RowsOf(ImportView import) =>
        (await _app.Client.GetFromJsonAsync<List<ImportRowView>>($"/api/leads/imports/{import.Id}/rows"))!;

    private async Task<FullLeadView> LeadOf(ImportRowView row) => (await _app.Client.GetFromJsonAsync<FullLeadView>($"/api/leads/{row.LeadId}"))!;

    /// <summary>What a person can find of a file's leads anywhere: the dealership's leads, its rejected leads, any import and its rows.</summary>
    private async Task<(int Leads, int Rejected, int Imports, int ImportRows)> WhatIsStoredAsync()
    {
        var leads = await _app.Client.GetFromJsonAsync<LeadPage>("/api/leads?dealershipCode=DEMO01&pageSize=1");
        var rejected = await _app.Client.GetFromJsonAsync<List<RejectionSummary>>("/api/leads/rejected?dealershipCode=DEMO01");
        using var scope = _app.Services.CreateScope();
        var db = scope.ServiceProvider.GetRequiredService<LeadIntakeDbContext>();
        return (leads!.Total, rejected!.Count, await db.ImportJobs.IgnoreQueryFilters().CountAsync(), await db.ImportRows.IgnoreQueryFilters().CountAsync());
    }

    /// <summary>A sheet of three visitors whose third row's name has one damaged byte, as the reported file had.</summary>
    private static byte[] Utf8WithOneBadByteInRow3()
    {
        string[] phones = [TestApp.UniquePhone(), TestApp.UniquePhone(), TestApp.UniquePhone()];
        var bytes = Encoding.UTF8.GetBytes($"姓名,手机号码,活动,意向车型\n李娜,{phones[0]},2026车展,帕萨特\n王芳,{phones[1]},2026车展,途观L\n张三丰,{phones[2]},2026车展,ID.4\n");
        var row3 = Encoding.UTF8.GetByteCount($"姓名,手机号码,活动,意向车型\n李娜,{phones[0]},2026车展,帕萨特\n王芳,{phones[1]},2026车展,途观L\n");
        // The last byte of 丰 (E4 B8 B0) is lost to a bad copy: 0xFF is never UTF-8.
        bytes[row3 + 8] = 0xFF;
        return bytes;
    }

    [Fact]
    public async Task Should_give_each_row_the_campaign_of_its_own_chinese_campaign_column_without_a_campaign_parameter()
    {
        string[] phones = [TestApp.UniquePhone(), TestApp.UniquePhone(), TestApp.UniquePhone()];
        var csv = $"客户姓名,手机号码,活动名称,意向车型,备注\n张三丰,{phones[0]},2026广州车展,途观L,想周末试驾\n李娜,{phones[1]},五一试驾会,帕萨特,\n王芳,{phones[2]},2026广州车展,ID.4,带家人来\n";

        var import = await Read<ImportView>(await ImportAsync(Encoding.UTF8.GetBytes(csv), "fileName=活动.csv"), HttpStatusCode.Created);

        Assert.Equal((3, 3, 0), (import.Rows, import.Imported, import.Rejected));
        var rows = await RowsOf(import);
        var leads = await Task.WhenAll(rows.Select(LeadOf));
        Assert.Equal(["张三丰", "李娜", "王芳"], leads.Select(l => l.Name));
        Assert.Equal(["2026广州车展", "五一试驾会", "2026广州车展"], leads.Select(l => l.SourceDetail));
        Assert.All(leads, l => Assert.Equal("marketing-event", l.Source));
        Assert.Equal("想周末试驾", Assert.Single(leads[0].Enquiries).Note);
    }

    [Fact]
    public async Task Should_take_the_campaign_parameter_for_rows_without_their_own_and_reject_a_row_with_neither()
    {
        string[] phones = [TestApp.UniquePhone(), TestApp.UniquePhone()];
        var csv = $"name,phone,campaign\nZhang Wei,{phones[0]},Spring test drive\nLi Na,{phones[1]},\n";

        var withDefault = await Read<ImportView>(await ImportAsync(Encoding.UTF8.GetBytes(csv), "campaign=2026车展"), HttpStatusCode.Created);
        var leads = await Task.WhenAll((await RowsOf(withDefault)).Select(LeadOf));
        Assert.Equal(["Spring test drive", "2026车展"], leads.Select(l => l.SourceDetail));

        var phone = TestApp.UniquePhone();
        var without = await Read<ImportView>(await ImportAsync(Encoding.UTF8.GetBytes($"姓名,手机,活动\n陈静,{phone},\n")), HttpStatusCode.Created);
        var row = Assert.Single(await RowsOf(without));
        Assert.Equal("rejected", row.Outcome);
        Assert.Contains("campaign: A lead from a marketing event names its campaign.", row.Reasons);
    }

    [Fact]
    public async Task Should_read_a_utf8_file_with_a_byte_order_mark_as_excel_saves_csv_utf8()
    {
        var phone = TestApp.UniquePhone();
        var csv = Encoding.UTF8.GetPreamble().Concat(Encoding.UTF8.GetBytes($"姓名,手机,活动\r\n张三丰,{phone},2026车展\r\n")).ToArray();

        var import = await Read<ImportView>(await ImportAsync(csv), HttpStatusCode.Created);

        Assert.Equal(("utf-8", 1), (import.Encoding, import.Imported));
        var lead = await LeadOf(Assert.Single(await RowsOf(import)));
        Assert.Equal(("张三丰", "2026车展"), (lead.Name, lead.SourceDetail));
    }

    [Fact]
    public async Task Should_read_a_gb18030_file_as_excel_saves_plain_csv_on_a_chinese_windows()
    {
        var phones = new[] { TestApp.UniquePhone(), TestApp.UniquePhone() };
        var csv = Encoding.GetEncoding("GB18030").GetBytes($"姓名,手机号码,活动,意向车型\n张三丰,{phones[0]},2026车展,途观L\n欧阳娜娜,{phones[1]},五一试驾会,帕萨特\n");

        var import = await Read<ImportView>(await ImportAsync(csv), HttpStatusCode.Created);

        Assert.Equal(("gb18030", 2), (import.Encoding, import.Imported));
        var leads = await Task.WhenAll((await RowsOf(import)).Select(LeadOf));
        Assert.Equal(["张三丰", "欧阳娜娜"], leads.Select(l => l.Name));
        Assert.Equal(["途观L", "帕萨特"], leads.Select(l => l.VehicleOfInterest));
        Assert.Equal(["2026车展", "五一试驾会"], leads.Select(l => l.SourceDetail));
    }

    [Theory]
    [InlineData("")]
    [InlineData("encoding=utf-8&")]
    public async Task Should_refuse_a_utf8_file_with_one_bad_byte_whole_saying_which_line_and_import_nothing(string encoding)
    {
        var before = await WhatIsStoredAsync();
        var importId = Guid.NewGuid();

        var response = await ImportAsync(Utf8WithOneBadByteInRow3(), $"{encoding}importId={importId}&fileName=车展.csv");

        var problem = await Read<JsonElement>(response, HttpStatusCode.BadRequest);
        var message = problem.GetProperty("errors").GetProperty("file")[0].GetString()!;
        // Line 1 is the header: row 3 is line 4.
        Assert.Contains("line 4", message);
        Assert.Contains("UTF-8", message);
        Assert.Equal(4, problem.GetProperty("line").GetInt32());
        // Not a lead of the file was kept, not even the good rows before the bad one, nor an import to look at.
        Assert.Equal(before, await WhatIsStoredAsync());
        Assert.Equal(HttpStatusCode.NotFound, (await _app.Client.GetAsync($"/api/leads/imports/{importId}")).StatusCode);
    }

    public static TheoryData<string, byte[], string> FilesThatAreNotText() => new()
    {
        // The Excel workbook itself picked instead of its CSV: a zip archive.
        { "an .xlsx workbook", [0x50, 0x4B, 0x03, 0x04, 0x14, 0x00, 0x06, 0x00, 0x08, 0x00, 0x00, 0x00, 0x21, 0x00, 0xFF, 0x80, 0x9A, 0xC3, 0x0A, 0x81, 0x0A, 0xFE, 0x20, 0x7F, 0xFF, 0xFF], "neither UTF-8 nor GB18030" },
        { "Excel's \"Unicode text\"", [.. Encoding.Unicode.GetPreamble(), .. Encoding.Unicode.GetBytes("姓名\t手机\n张三丰\t13912345678\n")], "UTF-16" },
        { "an empty file", [], "empty" },
    };

    [Theory]
    [MemberData(nameof(FilesThatAreNotText))]
    public async Task Should_refuse_a_file_that_is_neither_utf8_nor_gb18030_with_what_to_do(string file, byte[] bytes, string saying)
    {
        var before = await WhatIsStoredAsync();

        var response = await ImportAsync(bytes, "campaign=2026车展");

        var message = (await Read<JsonElement>(response, HttpStatusCode.BadRequest)).GetProperty("errors").GetProperty("file")[0].GetString()!;
        Assert.True(message.Contains(saying), $"{file}: {message}");
        Assert.Equal(before, await WhatIsStoredAsync());
        var preview = await PreviewAsync(bytes, "campaign=2026车展");
        Assert.Equal(message, (await Read<JsonElement>(preview, HttpStatusCode.BadRequest)).GetProperty("errors").GetProperty("file")[0].GetString());
    }

    [Fact]
    public async Task Should_preview_the_mapping_and_the_first_rows_and_store_nothing()
    {
        var csv = new StringBuilder("序号,姓名,手机号码,活动,意向车型,预计购车时间,性别,备注\n");
        for (var i = 1; i <= 12; i++)
            csv.Append($"{i},访客{i},139{i:D8},{(i == 2 ? "" : "2026广州车展")},途观L,一个月内,女,\n");
        csv.Append("13,号码短,12345,2026广州车展,帕萨特,,男,\n");
        var before = await WhatIsStoredAsync();

        var preview = await Read<Preview>(await PreviewAsync(Encoding.GetEncoding("GB18030").GetBytes(csv.ToString()), "campaign=门店自然到店"), HttpStatusCode.OK);

        Assert.Equal(("gb18030", 13), (preview.Encoding, preview.Rows));
        Assert.Equal([("序号", null), ("姓名", "name"), ("手机号码", "phone"), ("活动", "campaign"), ("意向车型", "vehicle"), ("预计购车时间", "timeframe"), ("性别", null), ("备注", "note")],
            preview.Columns.Select(c => (c.Header, c.Field)));
        Assert.Empty(preview.Missing);
        Assert.Equal(10, preview.FirstRows.Count);
        var first = preview.FirstRows[0];
        Assert.Equal(2, first.Line);
        Assert.Equal("访客1", first.Fields["name"]);
        Assert.Equal("13900000001", first.Fields["phone"]);
        Assert.Equal("2026广州车展", first.Fields["campaign"]);
        Assert.Equal("一个月内", first.Fields["timeframe"]);
        Assert.Empty(first.Reasons);
        // The second row's own campaign cell is empty: it takes the one given.
        Assert.Equal("门店自然到店", preview.FirstRows[1].Fields["campaign"]);
        Assert.Equal(before, await WhatIsStoredAsync());
    }

    [Fact]
    public async Task Should_preview_what_a_file_lacks_and_why_a_row_would_be_rejected()
    {
        var noCampaign = await Read<Preview>(await PreviewAsync(Encoding.UTF8.GetBytes("姓名,手机\n张三丰,12345\n李娜,13900000002\n")), HttpStatusCode.OK);
        var campaign = Assert.Single(noCampaign.Missing);
        Assert.Equal(["campaign"], campaign.Fields);
        Assert.Equal((2, false), (campaign.Rows, campaign.RefusesFile));
        Assert.Contains("no campaign (活动) column", campaign.Message);
        Assert.Contains(noCampaign.FirstRows[0].Reasons, r => r.StartsWith("phone:") && r.Contains("12345"));

        var noNameOrPhone = await Read<Preview>(await PreviewAsync(Encoding.UTF8.GetBytes("城市,年龄\n上海,30\n"), "campaign=车展"), HttpStatusCode.OK);
        Assert.Equal([("城市", "city"), ("年龄", null)], noNameOrPhone.Columns.Select(c => (c.Header, c.Field)));
        var nameOrPhone = Assert.Single(noNameOrPhone.Missing);
        Assert.Equal(["name", "phone"], nameOrPhone.Fields);
        Assert.True(nameOrPhone.RefusesFile);
        // What the import answers for the same file.
        var refused = await Read<JsonElement>(await ImportAsync(Encoding.UTF8.GetBytes("城市,年龄\n上海,30\n"), "campaign=车展"), HttpStatusCode.BadRequest);
        Assert.Equal(nameOrPhone.Message, refused.GetProperty("errors").GetProperty("file")[0].GetString());
    }

    [Fact]
    public async Task Should_preview_a_broken_file_with_the_same_refusal_as_the_import()
    {
        var file = Utf8WithOneBadByteInRow3();

        var preview = await Read<JsonElement>(await PreviewAsync(file), HttpStatusCode.BadRequest);
        var import = await Read<JsonElement>(await ImportAsync(file), HttpStatusCode.BadRequest);

        Assert.Equal(import.GetProperty("errors").ToString(), preview.GetProperty("errors").ToString());
        Assert.Equal("broken-utf-8", preview.GetProperty("refusal").GetString());
    }

    [Fact]
    public async Task Should_keep_a_malformed_row_to_itself_and_import_the_others()
    {
        string[] phones = [TestApp.UniquePhone(), TestApp.UniquePhone()];
        var csv = $"姓名,手机,活动\n张三丰,{phones[0]},\"2026车展\"x\n李娜,{phones[1]},2026车展\n";

        var import = await Read<ImportView>(await ImportAsync(Encoding.UTF8.GetBytes(csv)), HttpStatusCode.Created);

        var rows = await RowsOf(import);
        Assert.Equal(["rejected", "accepted"], rows.Select(r => r.Outcome));
        Assert.Contains(rows[0].Reasons, r => r.StartsWith("row:") && r.Contains("not well-formed CSV"));
    }
}
