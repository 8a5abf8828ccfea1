using Microsoft.AspNetCore.Identity;

namespace Dealership.Identity.People;

/// <summary>Someone who signs in: a consultant, a receptionist, a manager, operations staff or an admin.</summary>
public class Person : IdentityUser<Guid>
{
    public string DisplayName { get; set; } = "";
    /// <summary>The dealership the person works for; null for network staff (admins, network operations).</summary>
    public Guid? DealershipId { get; set; }
    /// <summary>The roster's consultant this person is, for a consultant.</summary>
    public Guid? ConsultantId { get; set; }
    /// <summary>zh-CN or en: the language the console opens in.</summary>
    public string Language { get; set; } = "zh-CN";
    public DateTimeOffset CreatedAt { get; set; }
}

public class Role : IdentityRole<Guid>;
