using System.Net.Http.Json;
using Dealership.Contracts;
using MassTransit;
using Microsoft.Extensions.DependencyInjection;

namespace Dealership.Tests.Support;

/// <summary>Times and views for the appointment and SMS specs, as a client would declare them.</summary>
public static class Showroom
{
    public static readonly TimeZoneInfo Shanghai = TimeZoneInfo.FindSystemTimeZoneById("Asia/Shanghai");

    /// <summary>A visit slot of the demo showroom (open 09:00-18:00 Shanghai time, hourly slots) <paramref name="days"/> days after <paramref name="now"/>.</summary>
    public static DateTimeOffset Slot(DateTimeOffset now, int days, int hour = 10)
    {
        var local = TimeZoneInfo.ConvertTime(now, Shanghai).Date.AddDays(days).AddHours(hour);
        return new DateTimeOffset(local, TimeSpan.FromHours(8));
    }

    /// <summary>A moment of Shanghai local time.</summary>
    public static DateTimeOffset Local(int year, int month, int day, int hour, int minute = 0) => new(year, month, day, hour, minute, 0, TimeSpan.FromHours(8));
}

public record BookingView(Guid Id, Guid LeadId, DateTimeOffset StartsAt, string Purpose, string? Model, string? Directions, string Status, string BookedBy,
    Guid? ConsultantId, string Resource, string? ConfirmationAnswer, DateTimeOffset? ConfirmedAt, DateTimeOffset? ArrivedAt, DateTimeOffset CreatedAt);
public record SmsDetailView(Guid Id, Guid LeadId, string Recipient, string Phone, string Template, string Language, string Text, string Status, string? Reason,
    DateTimeOffset CreatedAt, DateTimeOffset SendAt, DateTimeOffset? SentAt, DateTimeOffset? DeliveredAt, int Attempts);
public record SmsConsentView(Guid DealershipId, string Phone, string Channel, bool Granted, string Source, DateTimeOffset ChangedAt);

public static class SmsConsent
{
    /// <summary>Lead-intake's consent record says yes: published on the host's bus as lead-intake publishes it.</summary>
    public static async Task GrantSmsConsentAsync(this TestApp app, Guid leadId, string? phone = null)
    {
        phone ??= await app.PhoneOfAsync(leadId);
        var now = app.Services.GetRequiredService<TimeProvider>().GetUtcNow();
        await app.Services.GetRequiredService<IBus>().Publish(new ConsentChanged(TestApp.DemoDealershipId, leadId, phone, ConsentChannels.Sms, true, "web-form", now));
        await Eventually.Get(() => app.Client.GetFromJsonAsync<List<SmsConsentView>>($"/api/sms/consents?phone={Uri.EscapeDataString(phone)}")!,
            c => c!.Any(x => x.Granted), because: "notification should have its copy of the consent");
    }

    /// <summary>No quiet hours for the demo dealership: for specs about something else that must not depend on the hour they run at.</summary>
    public static async Task WithoutQuietHoursAsync(this TestApp app)
    {
        var settings = await app.Client.GetFromJsonAsync<System.Text.Json.Nodes.JsonObject>("/api/sms/settings/DEMO01");
        settings!["quietHoursStart"] = "00:00:00";
        settings["quietHoursEnd"] = "00:00:00";
        (await app.Client.PutAsJsonAsync("/api/sms/settings/DEMO01", settings)).EnsureSuccessStatusCode();
    }
}
