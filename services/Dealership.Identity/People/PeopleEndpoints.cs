using System.Security.Claims;
using Dealership.Hosting;
using Dealership.Hosting.Api;
using Dealership.Hosting.Security;
using Dealership.Identity.Audit;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.Identity;
using Microsoft.AspNetCore.Routing;
using Microsoft.EntityFrameworkCore;

namespace Dealership.Identity.People;

public static class PeopleEndpoints
{
    public sealed record PersonView(Guid Id, string UserName, string DisplayName, Guid? DealershipId, string? DealershipCode, Guid? ConsultantId, string Language,
        IReadOnlyList<string> Roles, DateTimeOffset? LockedUntil);
    /// <summary>
    /// A new person. <c>roles</c>: consultant, receptionist, sales-supervisor, retail-manager, operations, admin.
    /// <c>dealershipCode</c>: required for every role but admin and network-wide operations.
    /// </summary>
    public sealed record NewPerson(string? UserName, string? DisplayName, string? Password, List<string>? Roles, string? DealershipCode, Guid? ConsultantId, string? Language);

    private static readonly NewPerson Example = new("zhaomin", "赵敏", "Welcome@2026", [StaffRoles.Receptionist], "DEMO01", null, "zh-CN");

    public static void MapPeopleEndpoints(this IEndpointRouteBuilder endpoints)
    {
        var group = endpoints.MapGroup("/api/people").WithTags("People").AuditedByHandler().RequireStaff(StaffRoles.RetailManager);
        group.MapGet("/", async (IdentityServiceDbContext db, CancellationToken cancellationToken) =>
            {
                // The dealership filter keeps a retail manager to his or her own dealership's people.
                var people = await db.People.AsNoTracking().OrderBy(p => p.UserName).ToListAsync(cancellationToken);
                var roles = await RolesOfAsync(db, people.Select(p => p.Id).ToList(), cancellationToken);
                var codes = await db.Dealerships.AsNoTracking().ToDictionaryAsync(d => d.Id, d => d.Code, cancellationToken);
                return TypedResults.Ok(people.Select(p => View(p, roles, codes)).ToList());
            })
            .WithSummary("People who sign in, with their roles (retail managers: their dealership; admins: all)");
        group.MapPost("/", CreateAsync)
            .WithSummary("Add a person who signs in (retail managers for their dealership, admins for any)")
            .WithRequestExample(Example);
        group.MapPost("/{id:guid}/unlock", async Task<Results<NoContent, NotFoundProblem>> (Guid id, HttpContext http, IdentityServiceDbContext db, UserManager<Person> users) =>
            {
                var person = await db.People.SingleOrDefaultAsync(p => p.Id == id, http.RequestAborted);
                if (person is null)
                    return Problems.NotFound("person", id);
                await users.SetLockoutEndDateAsync(person, null);
                await users.ResetAccessFailedCountAsync(person);
                db.Record(http, "person-unlocked", person.DealershipId, person.UserName);
                await db.SaveChangesAsync(http.RequestAborted);
                return TypedResults.NoContent();
            })
            .WithSummary("Lift a lockout after too many failed sign-ins");
    }

    private static async Task<Results<Created<PersonView>, ValidationProblem>> CreateAsync(
        NewPerson input, HttpContext http, IdentityServiceDbContext db, UserManager<Person> users, TimeProvider clock)
    {
        var user = http.User;
        var errors = new Dictionary<string, string[]>();
        var roles = input.Roles ?? [];
        if (roles.Count == 0 || roles.Any(r => !StaffRoles.All.Contains(r)))
            errors["roles"] = [$"One or more of: {string.Join(", ", StaffRoles.All)}."];
        if (roles.Contains(StaffRoles.Admin) && !user.IsInRole(StaffRoles.Admin))
            errors["roles"] = ["Only an admin makes an admin."];
        Guid? dealershipId = null;
        string? code = null;
        if (!string.IsNullOrWhiteSpace(input.DealershipCode))
        {
            code = input.DealershipCode.Trim().ToUpperInvariant();
            dealershipId = await db.Dealerships.Where(d => d.Code == code).Select(d => (Guid?)d.Id).SingleOrDefaultAsync(http.RequestAborted);
            if (dealershipId is null || !user.MayActFor(dealershipId.Value))
                errors["dealershipCode"] = [$"Dealership {code} is not known."];
        }
        else if (roles.Any(StaffRoles.BelongsToOneDealership) || !user.MayActForAll())
            errors["dealershipCode"] = ["This person works for a dealership: give its code."];
        if (roles.Contains(StaffRoles.Consultant) && input.ConsultantId is null)
            errors["consultantId"] = ["A consultant is linked to the roster's consultant: give the consultant's id."];
        if (input.Language is not null && input.Language is not ("zh-CN" or "en"))
            errors["language"] = ["zh-CN or en."];
        if (string.IsNullOrWhiteSpace(input.UserName))
            errors["userName"] = ["A user name is required."];
        if (errors.Count > 0)
            return TypedResults.ValidationProblem(errors);

        var person = new Person
        {
            Id = Guid.NewGuid(), UserName = input.UserName!.Trim(), DisplayName = input.DisplayName?.Trim() ?? input.UserName.Trim(),
            DealershipId = dealershipId, ConsultantId = input.ConsultantId, Language = input.Language ?? "zh-CN", CreatedAt = clock.GetUtcNow(),
        };
        var created = await users.CreateAsync(person, input.Password ?? "");
        if (!created.Succeeded)
            return TypedResults.ValidationProblem(created.Errors.GroupBy(e => e.Code.Contains("Password") ? "password" : "userName")
                .ToDictionary(g => g.Key, g => g.Select(e => e.Description).ToArray()));
        await users.AddToRolesAsync(person, roles);
        db.Record(http, "person-created", dealershipId, person.UserName, string.Join(", ", roles));
        await db.SaveChangesAsync(http.RequestAborted);
        return TypedResults.Created($"/api/people/{person.Id}", View(person, new Dictionary<Guid, List<string>> { [person.Id] = roles },
            dealershipId is { } id ? new Dictionary<Guid, string> { [id] = code! } : []));
    }

    private static async Task<Dictionary<Guid, List<string>>> RolesOfAsync(IdentityServiceDbContext db, List<Guid> people, CancellationToken cancellationToken) =>
        (await db.PersonRoles.Where(r => people.Contains(r.UserId))
            .Join(db.Roles, pr => pr.RoleId, r => r.Id, (pr, r) => new { pr.UserId, r.Name })
            .ToListAsync(cancellationToken))
        .GroupBy(x => x.UserId).ToDictionary(g => g.Key, g => g.Select(x => x.Name!).ToList());

    private static PersonView View(Person p, Dictionary<Guid, List<string>> roles, Dictionary<Guid, string> codes) =>
        new(p.Id, p.UserName!, p.DisplayName, p.DealershipId, p.DealershipId is { } id ? codes.GetValueOrDefault(id) : null, p.ConsultantId, p.Language,
            roles.GetValueOrDefault(p.Id) ?? [], p.LockoutEnd);
}
