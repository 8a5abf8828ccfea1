using System.Net;
using System.Net.Http.Json;
using System.Text.Json.Nodes;
using Dealership.Appointment;
using Dealership.Appointment.Bookings;
using Dealership.Appointment.Calendars;
using Dealership.Contracts;
using Dealership.Tests.Support;
using MassTransit;
using Microsoft.EntityFrameworkCore;
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
    private readonly ConsumeCounter _consumes = new();
    private TestApp _app = null!;
    private int _externalId;

    public async Task InitializeAsync()
    {
        _app = await TestApp.StartAsync(
            configure: b => b.Services.AddSingleton<TimeProvider>(_clock),
            settings: ["--Appointment:NoShow:PollInterval=00:00:00.100", "--Sms:Sender:PollInterval=00:00:00.100"]);
        _app.Services.GetRequiredService<IBus>().ConnectConsumeObserver(_consumes);
    }

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

    private async Task<List<SmsDetailView>> ConfirmationsDeliveredAsync(Guid leadId, int count) =>
        (await Eventually.Get(() => _app.Client.GetFromJsonAsync<List<SmsDetailView>>($"/api/sms/messages?leadId={leadId}")!,
            l => l!.Count(s => s.Template == "appointment-confirmation" && s.Status == "delivered") == count,
            because: $"{count} visit confirmation(s) should reach the customer"))!;

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
        // Each confirmation goes before the next change: one still waiting when its visit moves or is cancelled is withdrawn.
        await ConfirmationsDeliveredAsync(a, 1);

        var outside = await _app.Client.PostAsJsonAsync($"/api/appointments/{booking.Id}/reschedule", new { startsAt = Showroom.Local(2030, 1, 15, 20) });
        Assert.Equal(HttpStatusCode.BadRequest, outside.StatusCode);
        var moved = await _app.Client.PostAsJsonAsync($"/api/appointments/{booking.Id}/reschedule", new { startsAt = TuesdayEleven });
        Assert.Equal(HttpStatusCode.OK, moved.StatusCode);
        Assert.Equal(TuesdayEleven, (await moved.Content.ReadFromJsonAsync<BookingView>())!.StartsAt);
        Assert.Equal(HttpStatusCode.Created, (await BookAsync(b, TuesdayTen, "test-drive")).StatusCode);
        await ConfirmationsDeliveredAsync(a, 2);

        var cancelled = await _app.Client.PostAsJsonAsync($"/api/appointments/{booking.Id}/cancel", new { reason = "customer is travelling", by = "consultant" });
        Assert.Equal("cancelled", (await cancelled.Content.ReadFromJsonAsync<BookingView>())!.Status);
        Assert.Equal(1, (await SlotsAsync()).Single(s => s.StartsAt == TuesdayEleven).FreeTestDriveCars);

        var lead = await TimelineAsync(a, l => l.Timeline.Any(t => t.Kind == "appointment-cancelled"));
        Assert.Equal(["appointment-booked", "appointment-rescheduled", "appointment-cancelled"],
            lead.Timeline.Where(t => t.Kind.StartsWith("appointment-")).Select(t => t.Kind));
        Assert.Contains("customer is travelling", lead.Timeline.Single(t => t.Kind == "appointment-cancelled").Text);
        // The customer was told the booked time and, once moved, the new one, with the directions.
        var sms = await ConfirmationsDeliveredAsync(a, 2);
        Assert.Contains(sms!, s => s.Text.Contains("1月15日（周二）上午10:00") && s.Text.Contains("金科路站"));
        Assert.Contains(sms!, s => s.Text.Contains("1月15日（周二）上午11:00") && s.Text.Contains("金科路站"));
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
        await _app.Services.GetRequiredService<NoShowCheck>().WaitForNextPassAsync();
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

        // Both requests consumed: the second has had its chance to book again.
        await Eventually.Get(() => Task.FromResult(_consumes.Count<ScheduleAppointment>("appointment-schedule-appointment")), n => n >= 2,
            because: "appointment should take both requests");
        var bookings = await _app.Client.GetFromJsonAsync<List<BookingView>>($"/api/appointments?leadId={leadId}");
        var booked = Assert.Single(bookings!, b => b.BookedBy == "workflow");
        Assert.Equal("Tiguan L", booked.Model);
        Assert.Equal("test-drive-car", booked.Resource);

        // A step asking for a time the showroom is closed is refused, and the consultant sees why.
        await bus.Publish(step with { StartsAt = Showroom.Local(2030, 1, 15, 20), IdempotencyKey = $"{leadId}:schedule:step-8" });
        var lead = await TimelineAsync(leadId, l => l.Timeline.Any(t => t.Kind == "appointment-refused"));
        Assert.Contains("outside", lead.Timeline.Single(t => t.Kind == "appointment-refused").Text);
    }

    [Fact]
    public async Task Should_take_a_lead_s_assignment_that_overtakes_the_lead_at_once_and_book_with_its_consultant()
    {
        // The lead and its assignment reach appointment on different queues, so either may come first.
        var (leadId, consultantId) = (Guid.NewGuid(), Guid.NewGuid());
        var bus = _app.Services.GetRequiredService<IBus>();
        await bus.Publish(new LeadAssigned(leadId, TestApp.DemoDealershipId, consultantId, "王芳", "13800000001", "round-robin", _clock.GetUtcNow()));
        await Eventually.Get(() => Task.FromResult(_consumes.Count<LeadAssigned>("appointment-lead-consultant")), n => n == 1,
            because: "appointment should take the assignment");
        Assert.Equal(0, _consumes.Faults<LeadAssigned>("appointment-lead-consultant"));

        var booked = await BookAsync(leadId, TuesdayTen);
        Assert.Equal(HttpStatusCode.Created, booked.StatusCode);
        Assert.Equal(consultantId, (await booked.Content.ReadFromJsonAsync<BookingView>())!.ConsultantId);

        // The lead itself, arriving after, gives the visit its source channel in the reports.
        await bus.Publish(new LeadAccepted(leadId, TestApp.DemoDealershipId, "DEMO01", "oem", "LATE-1", "陈先生", "+8613900000001", _clock.GetUtcNow()));
        await Eventually.Get(() => ReportAsync("source"), rows => rows.SequenceEqual([new ReportRow("oem", 1, 0, 0, 0, 0)]),
            because: "the visit should count for the lead's source once the lead is known");
        Assert.Equal(0, _consumes.Faults<LeadAccepted>("appointment-lead-accepted"));
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

/// <summary>
/// The booking rules on the appointment database alone, without a host: the calendar's slots at
/// their edges, each slot's capacity, one visit per consultant at a time, moving, cancelling and the
/// customer's answer (docs/mutation/bookings.md).
/// </summary>
public sealed class When_bookings_take_a_slot : IAsyncLifetime
{
    // Monday 2030-01-14, 09:00 in Shanghai; the demo calendar: 09:00-18:00, hourly, 3 reception desks, 2 test-drive cars.
    private static readonly DateTimeOffset Now = Showroom.Local(2030, 1, 14, 9);
    private static readonly DateTimeOffset TuesdayTen = Showroom.Local(2030, 1, 15, 10);
    private static readonly Guid Wang = Guid.NewGuid();
    private static readonly Guid Li = Guid.NewGuid();
    private ServiceDatabase<AppointmentDbContext> _database = null!;

    public async Task InitializeAsync() => _database = await ServiceDatabase<AppointmentDbContext>.CreateAsync<AppointmentSqliteDbContext>();

    public async Task DisposeAsync() => await _database.DisposeAsync();

    private async Task<(Booking? Booking, BookingProblem? Problem)> BookAsync(DateTimeOffset startsAt, string purpose = "visit", Guid? consultant = null, Guid? leadConsultant = null)
    {
        var lead = new KnownLead { LeadId = Guid.NewGuid(), DealershipId = TestApp.DemoDealershipId, DealershipCode = "DEMO01", Source = "oem", ConsultantId = leadConsultant };
        await using var db = _database.Open();
        db.Leads.Add(lead);
        await db.SaveChangesAsync();
        var result = await Bookings.BookAsync(db, lead, new BookingRequest(startsAt, purpose, null, null, consultant, "consultant"), Now, CancellationToken.None);
        // A consumer saves its other changes (its inbox row, a refusal) also when the booking failed.
        await db.SaveChangesAsync();
        return result;
    }

    /// <summary>Changes one booking as an endpoint does: saved unless the rules found a problem.</summary>
    private async Task<BookingProblem?> WithBookingAsync(Guid id, Func<AppointmentDbContext, Booking, Task<BookingProblem?>> act)
    {
        await using var db = _database.Open();
        var booking = await db.Bookings.SingleAsync(b => b.Id == id);
        var problem = await act(db, booking);
        if (problem is null)
            await db.SaveChangesAsync();
        return problem;
    }

    private Task ChangeAsync(Guid id, Action<AppointmentDbContext, Booking> change) =>
        WithBookingAsync(id, (db, b) => { change(db, b); return Task.FromResult<BookingProblem?>(null); });

    [Fact]
    public async Task Should_book_a_future_slot_with_the_leads_consultant_on_the_first_free_place_and_announce_it()
    {
        var (booking, problem) = await BookAsync(TuesdayTen, leadConsultant: Wang);

        Assert.Null(problem);
        Assert.Equal((BookingStatus.Booked, Wang, Wang, SlotResources.ReceptionDesk, 1), (booking!.Status, booking.ConsultantId, booking.ConsultantSlot, booking.Resource, booking.Seat));
        Assert.Equal(TimeSpan.Zero, booking.StartsAt.Offset);
        Assert.Equal([nameof(AppointmentBooked)], await PublishedAsync());
    }

    [Fact]
    public async Task Should_book_the_consultant_asked_for_rather_than_the_leads()
    {
        var (booking, _) = await BookAsync(TuesdayTen, consultant: Li, leadConsultant: Wang);

        Assert.Equal((Li, Li), (booking!.ConsultantId, booking.ConsultantSlot));
    }

    [Fact]
    public async Task Should_refuse_a_visit_off_the_calendars_slots_as_bad_input()
    {
        Assert.Equal(new BookingProblem("startsAt", "No visit can start then: the showroom is open 09:00-18:00 (Asia/Shanghai); 08:00 is outside.", false),
            (await BookAsync(Showroom.Local(2030, 1, 15, 8))).Problem);
    }

    [Fact]
    public void Should_offer_the_last_slot_that_ends_at_closing_time()
    {
        var slots = new ShowroomCalendar { DealershipCode = "DEMO01" }.Slots(new DateOnly(2030, 1, 15)).ToList();

        Assert.Equal(9, slots.Count);
        Assert.Equal(Showroom.Local(2030, 1, 15, 17), slots[^1]);
    }

    [Fact]
    public void Should_name_the_purposes_bookers_and_answers_the_api_takes()
    {
        Assert.Equal(["quote", "test-drive", "visit"], Bookings.Purposes.Order());
        Assert.Equal(["consultant", "reception", "workflow"], Bookings.Bookers.Order());
        Assert.Equal(["cancelled", "confirmed", "reschedule-requested"], Bookings.Answers.Order());
    }

    [Fact]
    public async Task Should_refuse_a_visit_that_does_not_start_in_the_future()
    {
        Assert.Equal(new BookingProblem("startsAt", "The visit must be in the future.", false), (await BookAsync(Now)).Problem);
        Assert.Equal(new BookingProblem("startsAt", "The visit must be in the future.", false), (await BookAsync(Now.AddHours(-1))).Problem);
    }

    [Theory]
    [InlineData(9, 0, null)]
    [InlineData(17, 0, null)]
    [InlineData(8, 0, "the showroom is open 09:00-18:00 (Asia/Shanghai); 08:00 is outside")]
    [InlineData(18, 0, "the showroom is open 09:00-18:00 (Asia/Shanghai); 18:00 is outside")]
    [InlineData(17, 30, "the showroom is open 09:00-18:00 (Asia/Shanghai); 17:30 is outside")]
    [InlineData(10, 30, "visits start on the 60-minute slots from 09:00")]
    public void Should_start_visits_on_the_slots_of_the_opening_hours_only(int hour, int minute, string? problem)
    {
        var calendar = new ShowroomCalendar { DealershipCode = "DEMO01" };

        Assert.Equal(problem, calendar.SlotProblem(Showroom.Local(2030, 1, 15, hour, minute)));
    }

    [Fact]
    public void Should_refuse_a_visit_on_a_closed_day_or_off_the_minute()
    {
        var calendar = new ShowroomCalendar { DealershipCode = "DEMO01", ClosedWeekdays = [DayOfWeek.Wednesday], ClosedDates = [new DateOnly(2030, 1, 17)] };

        Assert.Equal("the showroom is closed on 2030-01-16", calendar.SlotProblem(Showroom.Local(2030, 1, 16, 10)));
        Assert.Equal("the showroom is closed on 2030-01-17", calendar.SlotProblem(Showroom.Local(2030, 1, 17, 10)));
        Assert.Equal("visits start on the 60-minute slots from 09:00", calendar.SlotProblem(TuesdayTen.AddSeconds(1)));
        Assert.Equal("visits start on the 60-minute slots from 09:00", calendar.SlotProblem(TuesdayTen.AddMilliseconds(1)));
        Assert.Empty(calendar.Slots(new DateOnly(2030, 1, 16)));
    }

    [Fact]
    public void Should_list_a_days_slots_in_the_showrooms_time_zone()
    {
        var calendar = new ShowroomCalendar { DealershipCode = "DEMO01", OpensAt = new(9, 30), ClosesAt = new(12, 0), SlotMinutes = 45 };

        Assert.Equal([Showroom.Local(2030, 1, 15, 9, 30), Showroom.Local(2030, 1, 15, 10, 15), Showroom.Local(2030, 1, 15, 11, 0)],
            calendar.Slots(new DateOnly(2030, 1, 15)));
    }

    [Fact]
    public void Should_never_offer_a_slot_that_would_end_after_midnight()
    {
        var lateShow = new ShowroomCalendar { DealershipCode = "DEMO01", OpensAt = new(9, 0), ClosesAt = new(23, 59), SlotMinutes = 60 };

        Assert.Equal("the showroom is open 09:00-23:59 (Asia/Shanghai); 23:00 is outside", lateShow.SlotProblem(Showroom.Local(2030, 1, 15, 23)));
        Assert.Null(lateShow.SlotProblem(Showroom.Local(2030, 1, 15, 22)));
        Assert.Equal(Showroom.Local(2030, 1, 15, 22), lateShow.Slots(new DateOnly(2030, 1, 15)).Last());
        Assert.Equal(14, lateShow.Slots(new DateOnly(2030, 1, 15)).Count());
    }

    [Fact]
    public async Task Should_refuse_a_visit_beyond_the_slots_reception_desks_but_still_take_test_drives()
    {
        var seats = new List<int?>();
        for (var i = 0; i < 3; i++)
            seats.Add((await BookAsync(TuesdayTen)).Booking!.Seat);

        var (full, problem) = await BookAsync(TuesdayTen);
        var testDrive = await BookAsync(TuesdayTen, purpose: "test-drive");

        Assert.Equal([1, 2, 3], seats);
        Assert.Null(full);
        Assert.Equal(new BookingProblem("startsAt", "That slot is full: all 3 reception-desks are booked.", true), problem);
        Assert.Equal((SlotResources.TestDriveCar, 1), (testDrive.Booking!.Resource, testDrive.Booking.Seat));
        Assert.Equal(4, (await PublishedAsync()).Count(t => t == nameof(AppointmentBooked)));
    }

    [Fact]
    public async Task Should_take_as_many_test_drives_as_the_showroom_has_cars()
    {
        await using (var db = _database.Open())
        {
            db.Calendars.Add(new ShowroomCalendar { DealershipId = TestApp.DemoDealershipId, DealershipCode = "DEMO01", TestDriveCars = 1, ReceptionDesks = 5 });
            await db.SaveChangesAsync();
        }

        var first = await BookAsync(TuesdayTen, purpose: "test-drive");
        var second = await BookAsync(TuesdayTen, purpose: "test-drive");

        Assert.NotNull(first.Booking);
        Assert.Equal("That slot is full: all 1 test-drive-cars are booked.", second.Problem!.Message);
    }

    [Fact]
    public async Task Should_never_book_a_consultant_twice_at_the_same_time()
    {
        await BookAsync(TuesdayTen, consultant: Wang);

        var twice = await BookAsync(TuesdayTen, consultant: Wang);
        var other = await BookAsync(TuesdayTen, consultant: Li);
        var later = await BookAsync(TuesdayTen.AddHours(1), consultant: Wang);

        Assert.Equal(new BookingProblem("consultantId", "The consultant already has a visit at that time.", true), twice.Problem);
        Assert.NotNull(other.Booking);
        Assert.NotNull(later.Booking);
        await using var db = _database.Open();
        Assert.Equal(3, await db.Bookings.CountAsync());
        Assert.Equal(3, (await PublishedAsync()).Count);
    }

    [Fact]
    public async Task Should_give_a_cancelled_visits_place_and_consultant_to_the_next_booking()
    {
        var ids = new List<Guid>();
        for (var i = 0; i < 3; i++)
            ids.Add((await BookAsync(TuesdayTen, consultant: i == 0 ? Wang : null)).Booking!.Id);

        await ChangeAsync(ids[0], (db, b) => Bookings.Cancel(db, b, "consultant", "customer is ill", Now));
        var next = await BookAsync(TuesdayTen, consultant: Wang);

        Assert.Equal((1, Wang), (next.Booking!.Seat, next.Booking.ConsultantSlot));
        await using var db = _database.Open();
        var cancelled = await db.Bookings.SingleAsync(b => b.Id == ids[0]);
        Assert.Equal((BookingStatus.Cancelled, "customer is ill", (int?)null, (Guid?)null), (cancelled.Status, cancelled.CancelReason, cancelled.Seat, cancelled.ConsultantSlot));
        Assert.Equal(((DateTimeOffset?)Now, Now, 1), (cancelled.CancelledAt, cancelled.UpdatedAt, cancelled.Version));
        Assert.Contains(nameof(AppointmentCancelled), await PublishedAsync());
    }

    [Fact]
    public async Task Should_move_a_visit_to_a_free_slot_and_ask_again_for_confirmation()
    {
        var id = (await BookAsync(TuesdayTen, consultant: Wang)).Booking!.Id;
        await ChangeAsync(id, (db, b) => Bookings.RecordAnswer(db, b, "confirmed", "sms", Now));

        var problem = await WithBookingAsync(id, (db, b) => Bookings.RescheduleAsync(db, b, TuesdayTen.AddHours(2), "consultant", Now, CancellationToken.None));

        Assert.Null(problem);
        await using var db = _database.Open();
        var moved = await db.Bookings.SingleAsync(b => b.Id == id);
        Assert.Equal((TuesdayTen.AddHours(2), BookingStatus.Booked, (string?)null, (DateTimeOffset?)null), (moved.StartsAt, moved.Status, moved.ConfirmationAnswer, moved.ConfirmedAt));
        Assert.Equal(2, moved.Version);
        Assert.Contains(nameof(AppointmentRescheduled), await PublishedAsync());
    }

    [Fact]
    public async Task Should_keep_a_visit_moved_to_its_own_time()
    {
        var id = (await BookAsync(TuesdayTen, consultant: Wang)).Booking!.Id;
        await ChangeAsync(id, (db, b) => Bookings.RecordAnswer(db, b, "reschedule-requested", "sms", Now));

        var problem = await WithBookingAsync(id, (db, b) => Bookings.RescheduleAsync(db, b, TuesdayTen, "consultant", Now.AddHours(1), CancellationToken.None));

        Assert.Null(problem);
        await using var db = _database.Open();
        var booking = await db.Bookings.SingleAsync(b => b.Id == id);
        Assert.Equal((BookingStatus.Booked, Wang, Now.AddHours(1)), (booking.Status, booking.ConsultantSlot, booking.UpdatedAt));
    }

    [Fact]
    public async Task Should_not_move_a_visit_into_the_past_a_full_slot_or_once_it_is_cancelled()
    {
        var id = (await BookAsync(TuesdayTen, consultant: Wang)).Booking!.Id;
        await BookAsync(TuesdayTen.AddHours(1), consultant: Wang);

        var past = await WithBookingAsync(id, (db, b) => Bookings.RescheduleAsync(db, b, Now, "consultant", Now, CancellationToken.None));
        var taken = await WithBookingAsync(id, (db, b) => Bookings.RescheduleAsync(db, b, TuesdayTen.AddHours(1), "consultant", Now, CancellationToken.None));
        var cancelledId = (await BookAsync(TuesdayTen.AddHours(3))).Booking!.Id;
        await ChangeAsync(cancelledId, (db, b) => Bookings.Cancel(db, b, "consultant", null, Now));
        var cancelled = await WithBookingAsync(cancelledId, (db, b) => Bookings.RescheduleAsync(db, b, TuesdayTen.AddHours(4), "consultant", Now, CancellationToken.None));

        Assert.Equal("The visit must be in the future.", past!.Message);
        Assert.Equal(new BookingProblem("consultantId", "The consultant already has a visit at that time.", true), taken);
        Assert.Equal(new BookingProblem("status", "A Cancelled booking cannot be moved.", true), cancelled);
    }

    [Theory]
    [InlineData("confirmed", "sms", BookingStatus.Confirmed, 1, null)]
    [InlineData("reschedule-requested", "sms", BookingStatus.RescheduleRequested, 1, null)]
    [InlineData("cancelled", "sms", BookingStatus.Cancelled, null, "customer")]
    [InlineData("cancelled", "consultant", BookingStatus.Cancelled, null, "consultant")]
    public async Task Should_record_the_customers_answer_keeping_the_place_unless_they_cancel(
        string answer, string channel, BookingStatus status, int? seat, string? cancelledBy)
    {
        var id = (await BookAsync(TuesdayTen, consultant: Wang)).Booking!.Id;

        await ChangeAsync(id, (db, b) => Bookings.RecordAnswer(db, b, answer, channel, Now.AddHours(2)));

        await using var db = _database.Open();
        var booking = await db.Bookings.SingleAsync(b => b.Id == id);
        Assert.Equal((status, answer, seat), (booking.Status, booking.ConfirmationAnswer, booking.Seat));
        Assert.Equal(status == BookingStatus.Confirmed ? Now.AddHours(2) : (DateTimeOffset?)null, booking.ConfirmedAt);
        Assert.Equal((1, Now.AddHours(2)), (booking.Version, booking.UpdatedAt));
        Assert.Contains(nameof(AppointmentConfirmed), await PublishedAsync());
        var published = await db.OutboxMessages.Where(m => m.MessageType.EndsWith(nameof(AppointmentCancelled))).Select(m => m.Body).ToListAsync();
        Assert.Equal(cancelledBy is null ? null : "the customer cancelled when asked to confirm", booking.CancelReason);
        if (cancelledBy is null)
            Assert.Empty(published);
        else
            Assert.Contains($"\"by\":\"{cancelledBy}\"", Assert.Single(published), StringComparison.OrdinalIgnoreCase);
    }

    /// <summary>The short names of the events staged for publishing, oldest first.</summary>
    private async Task<List<string>> PublishedAsync()
    {
        await using var db = _database.Open();
        var types = await db.OutboxMessages.OrderBy(m => m.CreatedAt).Select(m => m.MessageType).ToListAsync();
        return types.Select(t => t[(t.LastIndexOf('.') + 1)..]).ToList();
    }
}
