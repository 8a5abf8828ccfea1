using System.Diagnostics;
using Dealership.Contracts;
using Dealership.Hosting;
using Dealership.Hosting.Polling;
using Dealership.Notification.Carriers;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace Dealership.Notification.Sms;

public class SmsSenderOptions
{
    /// <summary>How often due messages are looked for when no request has signalled new ones.</summary>
    public TimeSpan PollInterval { get; set; } = TimeSpan.FromSeconds(1);
    /// <summary>How long a sender owns the messages it claimed: well beyond a batch of carrier calls that all time out.</summary>
    public TimeSpan LeaseDuration { get; set; } = TimeSpan.FromMinutes(5);
    /// <summary>Carrier faults tolerated before a message is failed.</summary>
    public int MaxAttempts { get; set; } = 5;
    /// <summary>The pause after the first carrier fault; it doubles with each further one.</summary>
    public TimeSpan RetryDelay { get; set; } = TimeSpan.FromSeconds(30);
    public int BatchSize { get; set; } = 10;
}

/// <summary>Wakes the sender as soon as a request may have queued a message.</summary>
public sealed class SmsSenderSignal : WorkSignal;

/// <summary>
/// Hands due messages (queued, or held until now) to the carrier. Messages are rows, claimed with a
/// lease as the outbox does, so held messages survive restarts, replicas share the work and a
/// crashed sender's messages are taken over. Before sending, what may have changed since the request
/// is checked again (customer messages only): the lead and the visit the text speaks of (closed,
/// cancelled, moved, attended), consent (an opt-out in the meantime), quiet hours and the dealership's
/// daily spending cap. A text that lacked a value is written again first (any message), and waits on while it still does.
/// </summary>
public sealed class SmsSender(
    IServiceScopeFactory scopes,
    SmsSenderSignal signal,
    TimeProvider clock,
    IOptions<SmsSenderOptions> options,
    IHostApplicationLifetime lifetime,
    ILogger<SmsSender> logger) : PollingWorker(lifetime, logger, signal)
{
    // The outbox's source: the hosting's telemetry already listens to it, and a send is the SMS's hand-off to the outside.
    private static readonly ActivitySource Source = new("Dealership.Outbox");

    protected override TimeSpan Interval => options.Value.PollInterval;

    protected override async Task<bool> PassAsync(CancellationToken cancellationToken) =>
        await SendDueAsync(cancellationToken) == options.Value.BatchSize;

    /// <summary>Sends one batch of due messages; returns how many were claimed.</summary>
    private async Task<int> SendDueAsync(CancellationToken cancellationToken)
    {
        var settings = options.Value;
        using var scope = scopes.CreateScope();
        var db = scope.ServiceProvider.GetRequiredService<NotificationDbContext>();
        var carrier = scope.ServiceProvider.GetRequiredService<ISmsCarrier>();
        var now = clock.GetUtcNow();
        var claimed = await ClaimAsync<SmsMessage, DateTimeOffset>(db,
            m => (m.Status == SmsStatus.Queued || m.Status == SmsStatus.Held) && m.SendAt <= now, m => m.SendAt,
            settings.BatchSize, settings.LeaseDuration, cancellationToken);

        foreach (var message in claimed)
        {
            // The send, and the events it publishes, belong to the trace of the request that asked for the SMS.
            using var activity = message.TraceParent is null ? null : Source.StartActivity("sms send", ActivityKind.Producer, message.TraceParent);
            await SendAsync(db, carrier, message, cancellationToken);
            // One save per message: a crash loses at most the record of one send, which the carrier's outId dedupe covers.
            await db.SaveChangesAsync(cancellationToken);
        }
        return claimed.Count;
    }

    private async Task SendAsync(NotificationDbContext db, ISmsCarrier carrier, SmsMessage message, CancellationToken cancellationToken)
    {
        var now = clock.GetUtcNow();
        var settings = await SmsRequests.SettingsAsync(db, message.DealershipId, cancellationToken);
        if (message.ForCustomer)
        {
            if (await StaleSms.ReasonAsync(db, message, cancellationToken) is { } stale)
            {
                StaleSms.Withdraw(db, message, stale, now);
                return;
            }
            if (await SmsRequests.RefusalAsync(db, message, cancellationToken) is { } refusal)
            {
                SmsRequests.Refuse(db, message, refusal, now);
                return;
            }
        }
        if (message.Parameters is not null && !await SmsRequests.WriteAgainAsync(db, message, settings, now, cancellationToken))
            return;
        if (message.ForCustomer)
        {
            var allowedAt = settings.NextAllowedTime(now);
            if (allowedAt > now)
            {
                SmsRequests.Hold(db, message, SmsRequests.QuietHoursReason(settings), allowedAt, now);
                return;
            }
        }

        var cost = Segments(message.Text) * settings.PricePerSegmentFen;
        // The cap is for what customers are sent; the staff's own alerts (a new lead, an overdue task) always go, and count,
        // so only a customer's message asks what the day has cost.
        if (message.ForCustomer)
        {
            var (dayStart, nextDay) = settings.LocalDay(now);
            // Read from the index alone (dealership, sent, cost); a message sent before (a resend) does not count itself.
            var spent = await db.Messages
                .Where(m => m.DealershipId == message.DealershipId && m.SentAt >= dayStart)
                .SumAsync(m => m.CostFen, cancellationToken) - (message.SentAt >= dayStart ? message.CostFen : 0);
            if (spent + cost > settings.DailySpendingCapFen)
            {
                SmsRequests.Hold(db, message, $"daily SMS spending cap of {settings.DailySpendingCapFen / 100m:0.00} yuan reached", nextDay, now);
                return;
            }
        }

        var result = await carrier.SendAsync(new CarrierMessage(message.Id, message.Phone, settings.Signature, message.Text), cancellationToken);
        message.Attempts++;
        message.LockedUntil = null;
        switch (result.Outcome)
        {
            case CarrierOutcome.Accepted or CarrierOutcome.Delivered:
                message.Status = result.Outcome == CarrierOutcome.Delivered ? SmsStatus.Delivered : SmsStatus.Sent;
                message.CarrierMessageId = result.CarrierMessageId;
                message.SentAt = now;
                message.DeliveredAt = result.Outcome == CarrierOutcome.Delivered ? now : null;
                message.CostFen = cost;
                message.Reason = null;
                db.Publish(new SmsSent(message.Id, message.LeadId, message.DealershipId, message.Recipient, message.Template, PhoneMask.Mask(message.Phone), now));
                break;
            case CarrierOutcome.Transient when message.Attempts < options.Value.MaxAttempts:
                message.LastError = result.Error;
                message.Status = SmsStatus.Queued;
                message.SendAt = now + options.Value.RetryDelay * Math.Pow(2, Math.Min(message.Attempts - 1, 10));
                Logger.LogWarning("SMS {SmsId} to {Phone}: carrier fault ({Error}); attempt {Attempt} of {MaxAttempts}",
                    message.Id, PhoneMask.Mask(message.Phone), result.Error, message.Attempts, options.Value.MaxAttempts);
                break;
            default:
                Fail(db, message, result.Outcome == CarrierOutcome.Transient ? $"carrier kept failing after {message.Attempts} attempts: {result.Error}" : result.Error ?? "carrier refused", now);
                break;
        }
    }

    public static void Fail(NotificationDbContext db, SmsMessage message, string reason, DateTimeOffset now)
    {
        message.Status = message.SentAt is null ? SmsStatus.Failed : SmsStatus.Undelivered;
        message.Reason = reason.Length > 300 ? reason[..300] : reason;
        message.LastError = message.Reason;
        db.Publish(new SmsFailed(message.Id, message.LeadId, message.DealershipId, message.Recipient, message.Template, PhoneMask.Mask(message.Phone), message.Reason, now));
    }

    /// <summary>Carriers bill a Chinese SMS per 70 characters, or per 67 once it is split.</summary>
    public static int Segments(string text) => text.Length <= 70 ? 1 : (text.Length + 66) / 67;
}
