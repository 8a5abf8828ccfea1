using Dealership.Appointment;
using Dealership.Assignment;
using Dealership.InvitationWorkflow;
using Dealership.LeadIntake;
using Dealership.Notification;
using Microsoft.EntityFrameworkCore;

namespace Dealership.Tests.Data;

/// <summary>Every model change comes with a migration, for SQLite and for SQL Server alike.</summary>
public class Migrations_Specs
{
    public static TheoryData<Type> Contexts() =>
    [
        typeof(LeadIntakeSqliteDbContext), typeof(LeadIntakeSqlServerDbContext),
        typeof(AssignmentSqliteDbContext), typeof(AssignmentSqlServerDbContext),
        typeof(InvitationWorkflowSqliteDbContext), typeof(InvitationWorkflowSqlServerDbContext),
        typeof(AppointmentSqliteDbContext), typeof(AppointmentSqlServerDbContext),
        typeof(NotificationSqliteDbContext), typeof(NotificationSqlServerDbContext),
    ];

    [Theory]
    [MemberData(nameof(Contexts))]
    public void Should_have_no_model_change_without_a_migration(Type contextType)
    {
        using var db = Create(contextType);

        Assert.NotEmpty(db.Database.GetMigrations());
        Assert.False(db.Database.HasPendingModelChanges(),
            $"{contextType.Name} has model changes with no migration: run eng/add-migration.sh <Name>");
    }

    private static DbContext Create(Type contextType)
    {
        var builder = (DbContextOptionsBuilder)Activator.CreateInstance(typeof(DbContextOptionsBuilder<>).MakeGenericType(contextType))!;
        // No database is opened: the model is compared with the migrations' snapshot.
        if (contextType.Name.Contains("Sqlite"))
            builder.UseSqlite("Data Source=:memory:");
        else
            builder.UseSqlServer("Server=unused;Database=unused");
        return (DbContext)Activator.CreateInstance(contextType, builder.Options)!;
    }
}
