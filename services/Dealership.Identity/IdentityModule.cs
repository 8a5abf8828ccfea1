using Dealership.Hosting;
using Dealership.Hosting.Data;
using Dealership.Hosting.Security;
using Dealership.Identity.Audit;
using Dealership.Identity.Clients;
using Dealership.Identity.Dealerships;
using Dealership.Identity.People;
using MassTransit;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Identity;
using Microsoft.AspNetCore.Routing;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;

namespace Dealership.Identity;

/// <summary>Who may sign in and what each may do: people and roles, dealerships, integration clients, the audit log.</summary>
public sealed class IdentityModule : ServiceModule
{
    public override string Name => "identity";

    public override void AddServices(WebApplicationBuilder builder)
    {
        // One per host, built here because the database's options (pooled contexts) take their interceptors before the container is.
        var verdicts = new ApiKeyVerdicts(TimeProvider.System);
        builder.Services.AddSingleton(verdicts);
        builder.AddServiceDatabase<IdentityServiceDbContext, IdentitySqliteDbContext, IdentitySqlServerDbContext>(Name,
            options => options.AddInterceptors(new ApiKeyVerdictsReset(verdicts)));
        var lockout = builder.Configuration.GetSection("Identity:Lockout");
        builder.Services.AddIdentityCore<Person>(o =>
            {
                o.Lockout.MaxFailedAccessAttempts = lockout.GetValue("MaxFailedAttempts", 5);
                o.Lockout.DefaultLockoutTimeSpan = lockout.GetValue("Duration", TimeSpan.FromMinutes(15));
                o.Lockout.AllowedForNewUsers = true;
                o.Password.RequiredLength = 8;
                o.Password.RequireNonAlphanumeric = false;
                o.User.RequireUniqueEmail = false;
            })
            .AddRoles<Role>()
            .AddEntityFrameworkStores<IdentityServiceDbContext>();
        builder.Services.AddSingleton<TokenIssuer>();
        // In this process keys are checked against the table itself, not through the HTTP exchange.
        builder.Services.Replace(ServiceDescriptor.Scoped<IApiKeyValidator, DatabaseApiKeyValidator>());
    }

    public override void AddConsumers(IBusRegistrationConfigurator bus)
    {
        AddConsumer<ActionAuditedConsumer>(bus);
        AddConsumer<DealershipsRequestedConsumer>(bus);
    }

    public override void MapEndpoints(IEndpointRouteBuilder endpoints)
    {
        endpoints.MapSignInEndpoints();
        endpoints.MapDealershipEndpoints();
        endpoints.MapPeopleEndpoints();
        endpoints.MapApiClientEndpoints();
        endpoints.MapAuditEndpoints();
    }

    public override async Task SeedAsync(IServiceProvider services, CancellationToken cancellationToken)
    {
        var db = services.GetRequiredService<IdentityServiceDbContext>();
        var configuration = services.GetRequiredService<IConfiguration>();
        var clock = services.GetRequiredService<TimeProvider>();
        var roles = services.GetRequiredService<RoleManager<Role>>();
        foreach (var role in StaffRoles.All)
        {
            if (!await roles.RoleExistsAsync(role))
                await roles.CreateAsync(new Role { Id = Guid.NewGuid(), Name = role });
        }

        foreach (var section in new[] { "Demo:Dealership", "Demo:SecondDealership" })
        {
            var demo = configuration.GetSection(section);
            if (demo.GetValue<Guid?>("Id") is not { } id || demo["Code"] is not { } code || await db.Dealerships.AnyAsync(d => d.Id == id, cancellationToken))
                continue;
            var dealership = new DealershipRecord
            {
                Id = id, Code = code, NameZh = demo["NameZh"] ?? demo["Name"] ?? code, NameEn = demo["Name"] ?? code,
                TimeZone = demo["TimeZone"] ?? "Asia/Shanghai", PhoneRegion = demo["PhoneRegion"] ?? "CN", ShowroomAddress = demo["ShowroomAddress"],
                ShowroomMapLink = demo["ShowroomMapLink"], ParkingNote = demo["ParkingNote"],
                Version = 1, UpdatedAt = clock.GetUtcNow(),
            };
            db.Dealerships.Add(dealership);
        }
        // Every start tells the others again: a service whose queue did not exist at the last change catches up.
        await db.Dealerships.LoadAsync(cancellationToken);
        foreach (var dealership in db.Dealerships.Local.ToList())
            db.Publish(DealershipEndpoints.Changed(dealership));
        await db.SaveChangesAsync(cancellationToken);

        await SeedPeopleAsync(services, db, configuration, clock);
        await SeedConfiguredClientsAsync(db, configuration, clock, cancellationToken);
    }

    /// <summary>The demo's people, one per role (README lists them); a person who exists already is left as it is.</summary>
    private static async Task SeedPeopleAsync(IServiceProvider services, IdentityServiceDbContext db, IConfiguration configuration, TimeProvider clock)
    {
        var users = services.GetRequiredService<UserManager<Person>>();
        var password = configuration["Demo:Password"];
        foreach (var demo in configuration.GetSection("Demo:People").GetChildren())
        {
            var userName = demo["UserName"];
            if (userName is null || password is null || await users.FindByNameAsync(userName) is not null)
                continue;
            var code = demo["Dealership"];
            var dealershipId = code is null ? null : await db.Dealerships.Where(d => d.Code == code).Select(d => (Guid?)d.Id).SingleOrDefaultAsync();
            var person = new Person
            {
                Id = demo.GetValue<Guid?>("Id") ?? Guid.NewGuid(), UserName = userName, DisplayName = demo["DisplayName"] ?? userName,
                DealershipId = dealershipId, ConsultantId = demo.GetValue<Guid?>("ConsultantId"), Language = demo["Language"] ?? "zh-CN",
                CreatedAt = clock.GetUtcNow(),
            };
            var created = await users.CreateAsync(person, password);
            if (!created.Succeeded)
                throw new InvalidOperationException($"Demo person {userName}: {string.Join(" ", created.Errors.Select(e => e.Description))}");
            await users.AddToRolesAsync(person, demo.GetSection("Roles").Get<string[]>() ?? []);
        }
    }

    /// <summary>
    /// Clients written in configuration (the demo's key, a deployment's first key) are kept in step with
    /// it: stored hashed like any other, replaced when their key changes there.
    /// </summary>
    private static async Task SeedConfiguredClientsAsync(IdentityServiceDbContext db, IConfiguration configuration, TimeProvider clock, CancellationToken cancellationToken)
    {
        foreach (var configured in configuration.GetSection("Integration:Clients").GetChildren())
        {
            var name = configured["Name"];
            var key = configured["Key"];
            if (string.IsNullOrWhiteSpace(name) || string.IsNullOrWhiteSpace(key))
                continue;
            var hash = ApiKeyHash.Of(key);
            var scopes = configured.GetSection("Scopes").Get<string[]>() is { Length: > 0 } s ? s : ClientScopes.All;
            var dealerships = string.Join(' ', (configured.GetSection("Dealerships").Get<string[]>() ?? []).Select(d => d.Trim().ToUpperInvariant()));
            var existing = await db.ApiClients.SingleOrDefaultAsync(c => c.KeyHash == hash, cancellationToken);
            if (existing is null)
            {
                db.ApiClients.Add(new ApiClient
                {
                    Id = Guid.NewGuid(), Name = name, KeyHash = hash, KeyPrefix = ApiKeys.Prefix(key), Scopes = string.Join(' ', scopes),
                    Dealerships = dealerships, CreatedAt = clock.GetUtcNow(), CreatedBy = "configuration", FromConfiguration = true,
                });
            }
            else if (existing.FromConfiguration)
            {
                existing.Name = name;
                existing.Scopes = string.Join(' ', scopes);
                existing.Dealerships = dealerships;
            }
        }
        await db.SaveChangesAsync(cancellationToken);
    }
}
