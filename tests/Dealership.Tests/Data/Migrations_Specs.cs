using Dealership.Appointment;
using Dealership.Assignment;
using Dealership.Identity;
using Dealership.InvitationWorkflow;
using Dealership.LeadIntake;
using Dealership.Notification;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Infrastructure;
using Microsoft.EntityFrameworkCore.Migrations;
using Microsoft.SqlServer.TransactSql.ScriptDom;

namespace Dealership.Tests.Data;

/// <summary>Every model change comes with a migration, for SQLite and for SQL Server alike.</summary>
public class Migrations_Specs
{
    public static TheoryData<Type> Contexts() =>
    [
        typeof(IdentitySqliteDbContext), typeof(IdentitySqlServerDbContext),
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

    public static TheoryData<Type> SqlServerContexts() =>
    [
        typeof(IdentitySqlServerDbContext), typeof(LeadIntakeSqlServerDbContext), typeof(AssignmentSqlServerDbContext),
        typeof(InvitationWorkflowSqlServerDbContext), typeof(AppointmentSqlServerDbContext), typeof(NotificationSqlServerDbContext),
    ];

    /// <summary>
    /// No SQL Server runs here: the script every migration would run on one (what a DBA is handed, idempotent)
    /// is generated and parsed by SQL Server's own T-SQL parser, so a migration that only SQLite accepts is caught.
    /// </summary>
    [Theory]
    [MemberData(nameof(SqlServerContexts))]
    public void Should_generate_a_sql_server_migration_script_that_sql_servers_parser_accepts(Type contextType)
    {
        using var db = Create(contextType);
        var script = db.GetService<IMigrator>().GenerateScript(options: MigrationsSqlGenerationOptions.Idempotent);

        var parsed = new TSql160Parser(initialQuotedIdentifiers: true).Parse(new StringReader(script), out var errors);

        Assert.Empty(errors.Select(e => $"line {e.Line}: {e.Message}"));
        var tables = new CreatedTables();
        parsed.Accept(tables);
        Assert.NotEmpty(tables.Names);
        // Every migration is applied once and recorded: the script inserts its row into the history table.
        Assert.All(db.Database.GetMigrations(), m => Assert.Contains($"N'{m}'", script));
    }

    private static DbContext Create(Type contextType)
    {
        var builder = (DbContextOptionsBuilder)Activator.CreateInstance(typeof(DbContextOptionsBuilder<>).MakeGenericType(contextType))!;
        // No database is opened: the model is compared with the migrations' snapshot.
        if (contextType.Name.Contains("Sqlite"))
            Dealership.Hosting.Data.ServiceDatabase.UseSqlite(builder, "Data Source=:memory:");
        else
            builder.UseSqlServer("Server=unused;Database=unused");
        return (DbContext)Activator.CreateInstance(contextType, builder.Options)!;
    }

    /// <summary>The idempotent script wraps each statement in IF NOT EXISTS blocks: the tables are found at any depth.</summary>
    private sealed class CreatedTables : TSqlFragmentVisitor
    {
        public List<string> Names { get; } = [];

        public override void Visit(CreateTableStatement node) => Names.Add(node.SchemaObjectName.BaseIdentifier.Value);
    }
}
