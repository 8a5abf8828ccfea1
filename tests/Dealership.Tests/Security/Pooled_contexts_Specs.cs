using System.Security.Claims;
using Dealership.Hosting.Security;
using Dealership.LeadIntake;
using Dealership.Tests.Support;
using Microsoft.AspNetCore.Http;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;

namespace Dealership.Tests.Security;

/// <summary>
/// The services' contexts are pooled (issue 14): a context goes from one scope to the next. A handler may widen what its
/// context reads (a carrier's callback, a sign-in act for the service itself); the next request that gets that context
/// must still see only its own dealership's rows.
/// </summary>
public sealed class Pooled_contexts_Specs
{
    [Fact]
    public async Task Should_not_let_a_request_read_with_the_scope_a_context_was_given_before_it_went_back_to_the_pool()
    {
        await using var app = await TestApp.StartAsync();
        var leadOfA = await app.PostLeadAsync("POOL-" + Guid.NewGuid().ToString("N")[..8]);

        var widened = new List<LeadIntakeDbContext>();
        for (var i = 0; i < 20; i++)
        {
            await using var scope = app.Services.CreateAsyncScope();
            var db = scope.ServiceProvider.GetRequiredService<LeadIntakeDbContext>();
            db.Scope = CallerScope.Service;
            // A context acting for the service reads every dealership's leads.
            Assert.True(await db.Leads.AnyAsync(l => l.Id == leadOfA));
            widened.Add(db);
        }

        // A receptionist of dealership B, as the request's caller.
        var accessor = app.Services.GetRequiredService<IHttpContextAccessor>();
        accessor.HttpContext = new DefaultHttpContext
        {
            User = new ClaimsPrincipal(new ClaimsIdentity(
            [
                new Claim(DealershipClaims.Kind, DealershipClaims.PersonKind),
                new Claim(DealershipClaims.Role, StaffRoles.Receptionist),
                new Claim(DealershipClaims.Dealership, TestApp.SecondDealershipId.ToString()),
            ], "test")),
        };
        try
        {
            var reused = 0;
            for (var i = 0; i < 20; i++)
            {
                await using var scope = app.Services.CreateAsyncScope();
                var db = scope.ServiceProvider.GetRequiredService<LeadIntakeDbContext>();
                if (widened.Any(w => ReferenceEquals(w, db)))
                    reused++;
                Assert.False(await db.Leads.AnyAsync(l => l.Id == leadOfA), "dealership B's receptionist read dealership A's lead");
            }
            // Else this spec would prove nothing: the contexts widened above must be the ones the requests after them get.
            Assert.True(reused > 0, "no context was taken from the pool");
        }
        finally
        {
            accessor.HttpContext = null;
        }
    }
}
