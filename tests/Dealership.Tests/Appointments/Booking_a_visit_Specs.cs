using System.Net;
using System.Net.Http.Json;
using System.Text.Json.Nodes;
using Dealership.Contracts;
using Dealership.Tests.Support;
using MassTransit;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Time.Testing;

namespace Dealership.Tests.Appointments;

/// <summary>
/// The showroom calendar: slots with a capacity, consultants never booked twice (also when bookings
/// race), moving and cancelling, the customer's confirmation, arrival and no-shows, reports.
/// </summary>
public sealed class Booking_a_visit_Specs : IAsyncLifetime
{
    // Monday 2030-01-14, 09:00 in Shanghai: the showroom opens, outside SMS quiet hours.
    private readonly FakeTimeProvider _clock = new(Showroom.Local(2030, 1, 14, 9));
    private static readonly DateTimeOffset TuesdayTen = Showroom.Local(2030, 1, 15, 10);
    private static readonly DateTimeOffset TuesdayEleven = Showroom.Local(2030, 1, 15, 11);
    private TestApp _app = null!;
    private int _externalId;

    public async Task InitializeAsync() => _app = await TestApp.StartAsync(
        configure: b => b.Services.AddSingleton<TimeProvider>(_clock),
        settings: ["--Appointment:NoShow:PollInterval=00:00:00.100", "--Sms:Sender:PollInterval=00:00:00.100"]);

    public async Task DisposeAsync() => await _app.DisposeAsync();

    public record SlotView(DateTimeOffset StartsAt, int FreeReceptionDesks, int FreeTestDriveCars, List<Guid> BusyConsultants);
    public record ReportRow(string Key, int Booked, int Confirmed, int Arrived, int Missed, int Cancelled);

    [Fact]
    public async Task Should_give_the_last_place_of_a_slot_to_exactly_one_of_racing_bookings()
    {
        await ChangeCalendarAsync(c => c["receptionDesks"] = 2);
        var leads = await LeadsAsync(7);
        Assert.Equal(HttpStatusCode.Created, (await BookAsync(leads[0], TuesdayTen, consultantId: Guid.NewGuid())).StatusCode);

        var racers = await Task.WhenAll(leads.Skip(1).Select(lead => BookAsync(lead, TuesdayTen, consultantId: Guid.NewGuid())));

        Assert.Single(racers, r => r.StatusCode == HttpStatusCode.Created);
        Assert.Equal(5, racers.Count(r => r.StatusCode == HttpStatusCode.Conflict));
        Assert.Contains("full", await racers.First(r => r.StatusCode == HttpStatusCode.Conflict).Content.ReadAsStringAsync());
        var slot = (await SlotsAsync()).Single(s => s.StartsAt == TuesdayTen);
        Assert.Equal(0, slot.FreeReceptionDesks);
    }

    [Fact]
    public async Task Should_book_a_consultant_once_per_slot_when_bookings_race()
    {
        var consultant = Guid.NewGuid();
        var leads = await LeadsAsync(5);

        var racers = await Task.WhenAll(leads.Select(lead => BookAsync(lead, TuesdayTen, consultantId: consultant)));

        Assert.Single(racers, r => r.StatusCode == HttpStatusCode.Created);
        Assert.All(racers.Where(r => r.StatusCode != HttpStatusCode.Created), r => Assert.Equal(HttpStatusCode.Conflict, r.StatusCode));
        Assert.Contains("consultant already has a visit", await racers.First(r => r.StatusCode == HttpStatusCode.Conflict).Content.ReadAsStringAsync());
        // The same consultant is free an hour later.
        Assert.Equal(HttpStatusCode.Created, (await BookAsync(leads[^1], TuesdayEleven, consultantId: consultant)).StatusCode);
    }

    [Fact]
    public async Task Should_reschedule_and_cancel_freeing_the_place_and_show_both_on_the_timeline()
    {
        await ChangeCalendarAsync(c => c["testDriveCars"] = 1);
        var (a, b) = (await LeadAsync(), await LeadAsync());
        await _app.GrantSmsConsentAsync(a);
        var booked = await BookAsync(a, TuesdayTen, "test-drive", model: "ID.4 CROZZ", directions: "地铁2号线金科路站3号口，步行5分钟");
        Assert.Equal(HttpStatusCode.Created, booked.StatusCode);
        var booking = (await booked.Content.ReadFromJsonAsync<BookingView>())!;
        Assert.Equal("ID.4 CROZZ", booking.Model);
        Assert.Equal(HttpStatusCode.Conflict, (await BookAsync(b, TuesdayTen, "test-drive")).StatusCode);

        var outside = await _app.Client.PostAsJsonAsync($"/api/appointments/{booking.Id}/reschedule", new { startsAt = Showroom.Local(2030, 1, 15, 20) });
        Assert.Equal(HttpStatusCode.BadRequest, outside.StatusCode);
        var moved = await _app.Client.PostAsJsonAsync($"/api/appointments/{booking.Id}/reschedule", new { startsAt = TuesdayEleven });
        Assert.Equal(HttpStatusCode.OK, moved.StatusCode);
        Assert.Equal(TuesdayEleven, (await moved.Content.ReadFromJsonAsync<BookingView>())!.StartsAt);
        Assert.Equal(HttpStatusCode.Created, (await BookAsync(b, TuesdayTen, "test-drive")).StatusCode);

        var cancelled = await _app.Client.PostAsJsonAsync($"/api/appointments/{booking.Id}/cancel", new { reason = "customer is travelling", by = "consultant" });
        Assert.Equal("cancelled", (await cancelled.Content.ReadFromJsonAsync<BookingView>())!.Status);
        Assert.Equal(1, (await SlotsAsync()).Single(s => s.StartsAt == TuesdayEleven).FreeTestDriveCars);

        var lead = await TimelineAsync(a, l => l.Timeline.Any(t => t.Kind == "appointment-cancelled"));
        Assert.Equal(["appointment-booked", "appointment-rescheduled", "appointment-cancelled"],
            lead.Timeline.Where(t => t.Kind.StartsWith("appointment-")).Select(t => t.Kind));
        Assert.Contains("customer is travelling", lead.Timeline.Single(t => t.Kind == "appointment-cancelled").Text);
        // The customer was told the booked time and, once moved, the new one, with the directions.
        var sms = await Eventually.Get(() => _app.Client.GetFromJsonAsync<List<SmsDetailView>>($"/api/sms/messages?leadId={a}")!,
            l => l!.Count(s => s.Template == "appointment-confirmation" && s.Status == "delivered") == 2);
        Assert.Contains(sms!, s => s.Text.Contains("2030-01-15 10:00") && s.Text.Contains("金科路站"));
        Assert.Contains(sms!, s => s.Text.Contains("2030-01-15 11:00") && s.Text.Contains("金科路站"));
    }

    [Fact]
    public async Task Should_check_in_an_arrival_and_mark_a_booking_without_one_missed_then_report_them()
    {
        var arriving = await _app.PostLeadAsync($"VISIT-{++_externalId}", source: "oem");
        var missing = await _app.PostLeadAsync($"VISIT-{++_externalId}", source: "marketing-event");
        var first = (await (await BookOnceKnownAsync(arriving, TuesdayTen)).Content.ReadFromJsonAsync<BookingView>())!;
        var second = (await (await BookOnceKnownAsync(missing, TuesdayEleven)).Content.ReadFromJsonAsync<BookingView>())!;

        _clock.SetUtcNow(Showroom.Local(2030, 1, 15, 10, 5));
        var arrival = await _app.Client.PostAsync($"/api/appointments/{first.Id}/arrival", null);
        Assert.Equal(HttpStatusCode.OK, arrival.StatusCode);
        Assert.Equal("arrived", (await arrival.Content.ReadFromJsonAsync<BookingView>())!.Status);
        await TimelineAsync(arriving, l => l.Timeline.Any(t => t.Kind == "customer-arrived"));

        // Not missed before the calendar's 30 minutes after the start have passed.
        _clock.SetUtcNow(Showroom.Local(2030, 1, 15, 11, 29));
        await Task.Delay(500);
        Assert.Equal("booked", (await GetAsync(second.Id)).Status);
        _clock.SetUtcNow(Showroom.Local(2030, 1, 15, 11, 30));
        await Eventually.Get(() => GetAsync(second.Id), b => b.Status == "missed");
        await TimelineAsync(missing, l => l.Timeline.Any(t => t.Kind == "appointment-missed"));
        Assert.Equal("arrived", (await GetAsync(first.Id)).Status);

        var byDay = await ReportAsync("day");
        Assert.Equal(new ReportRow("2030-01-15", 2, 0, 1, 1, 0), Assert.Single(byDay));
        var bySource = await ReportAsync("source");
        Assert.Equal([new ReportRow("marketing-event", 1, 0, 0, 1, 0), new ReportRow("oem", 1, 0, 1, 0, 0)], bySource);
        Assert.Equal(2, (await ReportAsync("consultant")).Sum(r => r.Booked));
    }

    [Fact]
    public async Task Should_record_a_confirmation_the_customer_replies_by_sms()
    {
        var leadId = await LeadAsync();
        await _app.GrantSmsConsentAsync(leadId);
        var booking = (await (await BookAsync(leadId, TuesdayTen)).Content.ReadFromJsonAsync<BookingView>())!;
        // The customer has the booking confirmation SMS, and answers it.
        await Eventually.Get(() => _app.Client.GetFromJsonAsync<List<SmsDetailView>>($"/api/sms/messages?leadId={leadId}")!,
            l => l!.Any(s => s.Recipient == "customer" && s.Status == "delivered"));

        var reply = await _app.Client.PostAsJsonAsync("/api/sms/replies", new { phone = await _app.PhoneOfAsync(leadId), text = " 1 " });

        Assert.Equal(HttpStatusCode.Accepted, reply.StatusCode);
        var confirmed = await Eventually.Get(() => GetAsync(booking.Id), b => b.Status == "confirmed");
        Assert.Equal("confirmed", confirmed.ConfirmationAnswer);
        var lead = await TimelineAsync(leadId, l => l.Timeline.Any(t => t.Kind == "appointment-confirmed"));
        Assert.Contains("(by sms)", lead.Timeline.Single(t => t.Kind == "appointment-confirmed").Text);
    }

    [Theory]
    [InlineData("reschedule-requested", "rescheduleRequested")]
    [InlineData("cancelled", "cancelled")]
    public async Task Should_record_the_answer_the_consultant_heard(string answer, string status)
    {
        var leadId = await LeadAsync();
        var booking = (await (await BookAsync(leadId, TuesdayTen)).Content.ReadFromJsonAsync<BookingView>())!;

        var response = await _app.Client.PostAsJsonAsync($"/api/appointments/{booking.Id}/confirmation", new { answer });

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal(status, (await response.Content.ReadFromJsonAsync<BookingView>())!.Status);
        await TimelineAsync(leadId, l => l.Timeline.Any(t => t.Kind == "appointment-confirmed" && t.Text.Contains(answer)));
    }

    [Fact]
    public async Task Should_book_a_workflow_step_once_whatever_is_redelivered()
    {
        var leadId = await LeadAsync();
        await Eventually.Get(() => BookAsync(leadId, TuesdayEleven, consultantId: Guid.NewGuid()), r => r.StatusCode == HttpStatusCode.Created);
        var bus = _app.Services.GetRequiredService<IBus>();
        var step = new ScheduleAppointment(leadId, TestApp.DemoDealershipId, TuesdayTen, "test-drive", "Tiguan L", $"{leadId}:schedule:step-7", _clock.GetUtcNow());

        await bus.Publish(step);
        await bus.Publish(step);

        var bookings = await Eventually.Get(() => _app.Client.GetFromJsonAsync<List<BookingView>>($"/api/appointments?leadId={leadId}")!,
            l => l!.Any(b => b.BookedBy == "workflow"));
        await Task.Delay(300);
        bookings = await _app.Client.GetFromJsonAsync<List<BookingView>>($"/api/appointments?leadId={leadId}");
        var booked = Assert.Single(bookings!, b => b.BookedBy == "workflow");
        Assert.Equal("Tiguan L", booked.Model);
        Assert.Equal("test-drive-car", booked.Resource);

        // A step asking for a time the showroom is closed is refused, and the consultant sees why.
        await bus.Publish(step with { StartsAt = Showroom.Local(2030, 1, 15, 20), IdempotencyKey = $"{leadId}:schedule:step-8" });
        var lead = await TimelineAsync(leadId, l => l.Timeline.Any(t => t.Kind == "appointment-refused"));
        Assert.Contains("outside", lead.Timeline.Single(t => t.Kind == "appointment-refused").Text);
    }

    /// <summary>A new lead, once assigned: by then appointment has heard of it (LeadAccepted goes out first).</summary>
    private async Task<Guid> LeadAsync()
    {
        var leadId = await _app.PostLeadAsync($"VISIT-{++_externalId}");
        await Eventually.Get(() => _app.Client.GetFromJsonAsync<LeadView>($"/api/leads/{leadId}")!, l => l!.Stage == "assigned");
        return leadId;
    }

    [Fact]
    public async Task Should_record_who_booked_from_the_signed_in_person_not_from_the_body()
    {
        var (a, b) = (await LeadAsync(), await LeadAsync());
        using var reception = await _app.SignInAsync("reception");
        using var manager = await _app.SignInAsync("manager");

        var atTheDesk = await Eventually.Get(() => reception.PostAsJsonAsync("/api/appointments", new { leadId = a, startsAt = TuesdayTen, bookedBy = "consultant" }),
            r => r.StatusCode == HttpStatusCode.Created);
        var byTheManager = await Eventually.Get(() => manager.PostAsJsonAsync("/api/appointments", new { leadId = b, startsAt = TuesdayEleven, bookedBy = "reception" }),
            r => r.StatusCode == HttpStatusCode.Created);

        Assert.Equal("reception", (await atTheDesk.Content.ReadFromJsonAsync<BookingView>())!.BookedBy);
        Assert.Equal("consultant", (await byTheManager.Content.ReadFromJsonAsync<BookingView>())!.BookedBy);
    }

    private async Task<List<Guid>> LeadsAsync(int count)
    {
        var leads = new List<Guid>();
        for (var i = 0; i < count; i++)
            leads.Add(await LeadAsync());
        return leads;
    }

    private Task<HttpResponseMessage> BookAsync(Guid leadId, DateTimeOffset startsAt, string purpose = "visit", Guid? consultantId = null, string? model = null, string? directions = null) =>
        _app.Client.PostAsJsonAsync("/api/appointments", new { leadId, startsAt, purpose, consultantId, model, directions });

    /// <summary>Books as soon as appointment has heard of the lead.</summary>
    private Task<HttpResponseMessage> BookOnceKnownAsync(Guid leadId, DateTimeOffset startsAt) =>
        Eventually.Get(() => BookAsync(leadId, startsAt), r => r.StatusCode == HttpStatusCode.Created);

    private async Task<BookingView> GetAsync(Guid id) => (await _app.Client.GetFromJsonAsync<BookingView>($"/api/appointments/{id}"))!;

    private async Task<List<SlotView>> SlotsAsync() =>
        (await _app.Client.GetFromJsonAsync<List<SlotView>>("/api/appointments/calendar/DEMO01/slots?date=2030-01-15"))!;

    private async Task<List<ReportRow>> ReportAsync(string by) =>
        (await _app.Client.GetFromJsonAsync<List<ReportRow>>($"/api/appointments/reports/DEMO01?from=2030-01-15&to=2030-01-15&by={by}"))!;

    private async Task<LeadView> TimelineAsync(Guid leadId, Func<LeadView, bool> done) =>
        (await Eventually.Get(() => _app.Client.GetFromJsonAsync<LeadView>($"/api/leads/{leadId}")!, l => done(l!), because: "the timeline should show it"))!;

    private async Task ChangeCalendarAsync(Action<JsonObject> change)
    {
        var calendar = (await _app.Client.GetFromJsonAsync<JsonObject>("/api/appointments/calendar/DEMO01"))!;
        change(calendar);
        (await _app.Client.PutAsJsonAsync("/api/appointments/calendar/DEMO01", calendar)).EnsureSuccessStatusCode();
    }
}
