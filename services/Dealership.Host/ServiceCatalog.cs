using Dealership.Appointment;
using Dealership.Assignment;
using Dealership.Hosting;
using Dealership.Identity;
using Dealership.InvitationWorkflow;
using Dealership.LeadIntake;
using Dealership.Notification;
using Dealership.Web;

namespace Dealership.Host;

/// <summary>Every service this executable can run; <c>--services</c> picks some or all of them.</summary>
public static class ServiceCatalog
{
    public static IReadOnlyList<ServiceModule> All() =>
    [
        new IdentityModule(),
        new LeadIntakeModule(),
        new AssignmentModule(),
        new InvitationWorkflowModule(),
        new AppointmentModule(),
        new NotificationModule(),
        new WebModule(),
    ];

    public static IReadOnlyList<ServiceModule> Select(string? services)
    {
        var all = All();
        if (string.IsNullOrWhiteSpace(services) || services.Trim().Equals("all", StringComparison.OrdinalIgnoreCase))
            return all;
        var names = services.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
        var unknown = names.Where(n => all.All(m => !m.Name.Equals(n, StringComparison.OrdinalIgnoreCase))).ToList();
        if (unknown.Count > 0)
            throw new ArgumentException(
                $"Unknown service(s): {string.Join(", ", unknown)}. Use 'all' or a comma list of: {string.Join(", ", all.Select(m => m.Name))}.");
        return all.Where(m => names.Contains(m.Name, StringComparer.OrdinalIgnoreCase)).ToList();
    }
}
