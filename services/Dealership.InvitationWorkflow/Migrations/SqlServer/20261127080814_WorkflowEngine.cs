using System;
using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace Dealership.InvitationWorkflow.Migrations.SqlServer
{
    /// <inheritdoc />
    public partial class WorkflowEngine : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.CreateTable(
                name: "BufferedWorkflowMessages",
                schema: "workflow",
                columns: table => new
                {
                    Id = table.Column<Guid>(type: "uniqueidentifier", nullable: false),
                    MessageId = table.Column<Guid>(type: "uniqueidentifier", nullable: false),
                    MessageName = table.Column<string>(type: "nvarchar(200)", maxLength: 200, nullable: false),
                    CorrelationKey = table.Column<string>(type: "nvarchar(200)", maxLength: 200, nullable: false),
                    VariablesJson = table.Column<string>(type: "nvarchar(max)", nullable: true),
                    ReceivedAt = table.Column<DateTimeOffset>(type: "datetimeoffset", nullable: false),
                    ExpiresAt = table.Column<DateTimeOffset>(type: "datetimeoffset", nullable: false),
                    CorrelatedInstanceId = table.Column<Guid>(type: "uniqueidentifier", nullable: true)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_BufferedWorkflowMessages", x => x.Id);
                });

            migrationBuilder.CreateTable(
                name: "KnownDealerships",
                schema: "workflow",
                columns: table => new
                {
                    Id = table.Column<Guid>(type: "uniqueidentifier", nullable: false),
                    Code = table.Column<string>(type: "nvarchar(32)", maxLength: 32, nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_KnownDealerships", x => x.Id);
                });

            migrationBuilder.CreateTable(
                name: "WorkflowDefinitions",
                schema: "workflow",
                columns: table => new
                {
                    Id = table.Column<Guid>(type: "uniqueidentifier", nullable: false),
                    ProcessKey = table.Column<string>(type: "nvarchar(200)", maxLength: 200, nullable: false),
                    DealershipId = table.Column<Guid>(type: "uniqueidentifier", nullable: true),
                    Version = table.Column<int>(type: "int", nullable: false),
                    Status = table.Column<string>(type: "nvarchar(20)", maxLength: 20, nullable: false),
                    Name = table.Column<string>(type: "nvarchar(300)", maxLength: 300, nullable: true),
                    Xml = table.Column<string>(type: "nvarchar(max)", nullable: false),
                    CreatedAt = table.Column<DateTimeOffset>(type: "datetimeoffset", nullable: false),
                    UpdatedAt = table.Column<DateTimeOffset>(type: "datetimeoffset", nullable: false),
                    PublishedAt = table.Column<DateTimeOffset>(type: "datetimeoffset", nullable: true),
                    RetiredAt = table.Column<DateTimeOffset>(type: "datetimeoffset", nullable: true)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_WorkflowDefinitions", x => x.Id);
                });

            migrationBuilder.CreateTable(
                name: "WorkflowInstances",
                schema: "workflow",
                columns: table => new
                {
                    Id = table.Column<Guid>(type: "uniqueidentifier", nullable: false),
                    DealershipId = table.Column<Guid>(type: "uniqueidentifier", nullable: true),
                    DefinitionId = table.Column<Guid>(type: "uniqueidentifier", nullable: false),
                    ProcessKey = table.Column<string>(type: "nvarchar(200)", maxLength: 200, nullable: false),
                    Version = table.Column<int>(type: "int", nullable: false),
                    BusinessKey = table.Column<string>(type: "nvarchar(200)", maxLength: 200, nullable: true),
                    Status = table.Column<string>(type: "nvarchar(20)", maxLength: 20, nullable: false),
                    HasOpenIncident = table.Column<bool>(type: "bit", nullable: false),
                    WaitingAt = table.Column<string>(type: "nvarchar(1000)", maxLength: 1000, nullable: true),
                    StartedAt = table.Column<DateTimeOffset>(type: "datetimeoffset", nullable: false),
                    UpdatedAt = table.Column<DateTimeOffset>(type: "datetimeoffset", nullable: false),
                    EndedAt = table.Column<DateTimeOffset>(type: "datetimeoffset", nullable: true),
                    StateJson = table.Column<string>(type: "nvarchar(max)", nullable: false),
                    ConcurrencyStamp = table.Column<Guid>(type: "uniqueidentifier", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_WorkflowInstances", x => x.Id);
                });

            migrationBuilder.CreateTable(
                name: "WorkflowJournal",
                schema: "workflow",
                columns: table => new
                {
                    Id = table.Column<long>(type: "bigint", nullable: false)
                        .Annotation("SqlServer:Identity", "1, 1"),
                    InstanceId = table.Column<Guid>(type: "uniqueidentifier", nullable: false),
                    At = table.Column<DateTimeOffset>(type: "datetimeoffset", nullable: false),
                    ElementId = table.Column<string>(type: "nvarchar(200)", maxLength: 200, nullable: false),
                    ElementInstanceKey = table.Column<long>(type: "bigint", nullable: true),
                    Outcome = table.Column<string>(type: "nvarchar(60)", maxLength: 60, nullable: false),
                    VariablesChangedJson = table.Column<string>(type: "nvarchar(max)", nullable: true),
                    Detail = table.Column<string>(type: "nvarchar(2000)", maxLength: 2000, nullable: true)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_WorkflowJournal", x => x.Id);
                });

            migrationBuilder.CreateTable(
                name: "WorkflowMessageSubscriptions",
                schema: "workflow",
                columns: table => new
                {
                    Id = table.Column<Guid>(type: "uniqueidentifier", nullable: false),
                    InstanceId = table.Column<Guid>(type: "uniqueidentifier", nullable: false),
                    SubscriptionKey = table.Column<long>(type: "bigint", nullable: false),
                    MessageName = table.Column<string>(type: "nvarchar(200)", maxLength: 200, nullable: false),
                    CorrelationKey = table.Column<string>(type: "nvarchar(200)", maxLength: 200, nullable: false),
                    OpenedAt = table.Column<DateTimeOffset>(type: "datetimeoffset", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_WorkflowMessageSubscriptions", x => x.Id);
                });

            migrationBuilder.CreateTable(
                name: "WorkflowTimers",
                schema: "workflow",
                columns: table => new
                {
                    Id = table.Column<Guid>(type: "uniqueidentifier", nullable: false),
                    InstanceId = table.Column<Guid>(type: "uniqueidentifier", nullable: true),
                    TimerKey = table.Column<long>(type: "bigint", nullable: false),
                    DefinitionId = table.Column<Guid>(type: "uniqueidentifier", nullable: true),
                    StartEventId = table.Column<string>(type: "nvarchar(200)", maxLength: 200, nullable: true),
                    Fired = table.Column<int>(type: "int", nullable: false),
                    DueAt = table.Column<DateTimeOffset>(type: "datetimeoffset", nullable: false),
                    LockedUntil = table.Column<DateTimeOffset>(type: "datetimeoffset", nullable: true),
                    LockedBy = table.Column<Guid>(type: "uniqueidentifier", nullable: true),
                    Attempts = table.Column<int>(type: "int", nullable: false),
                    LastError = table.Column<string>(type: "nvarchar(2000)", maxLength: 2000, nullable: true)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_WorkflowTimers", x => x.Id);
                });

            migrationBuilder.CreateIndex(
                name: "IX_BufferedWorkflowMessages_MessageId",
                schema: "workflow",
                table: "BufferedWorkflowMessages",
                column: "MessageId",
                unique: true);

            migrationBuilder.CreateIndex(
                name: "IX_BufferedWorkflowMessages_MessageName_CorrelationKey_ExpiresAt",
                schema: "workflow",
                table: "BufferedWorkflowMessages",
                columns: new[] { "MessageName", "CorrelationKey", "ExpiresAt" });

            migrationBuilder.CreateIndex(
                name: "IX_WorkflowDefinitions_ProcessKey_DealershipId_Version",
                schema: "workflow",
                table: "WorkflowDefinitions",
                columns: new[] { "ProcessKey", "DealershipId", "Version" },
                unique: true,
                filter: "[DealershipId] IS NOT NULL");

            migrationBuilder.CreateIndex(
                name: "IX_WorkflowInstances_BusinessKey",
                schema: "workflow",
                table: "WorkflowInstances",
                column: "BusinessKey");

            migrationBuilder.CreateIndex(
                name: "IX_WorkflowInstances_ProcessKey_Status_StartedAt",
                schema: "workflow",
                table: "WorkflowInstances",
                columns: new[] { "ProcessKey", "Status", "StartedAt" });

            migrationBuilder.CreateIndex(
                name: "IX_WorkflowJournal_InstanceId_Id",
                schema: "workflow",
                table: "WorkflowJournal",
                columns: new[] { "InstanceId", "Id" });

            migrationBuilder.CreateIndex(
                name: "IX_WorkflowMessageSubscriptions_InstanceId_SubscriptionKey",
                schema: "workflow",
                table: "WorkflowMessageSubscriptions",
                columns: new[] { "InstanceId", "SubscriptionKey" },
                unique: true);

            migrationBuilder.CreateIndex(
                name: "IX_WorkflowMessageSubscriptions_MessageName_CorrelationKey",
                schema: "workflow",
                table: "WorkflowMessageSubscriptions",
                columns: new[] { "MessageName", "CorrelationKey" });

            migrationBuilder.CreateIndex(
                name: "IX_WorkflowTimers_DueAt",
                schema: "workflow",
                table: "WorkflowTimers",
                column: "DueAt");

            migrationBuilder.CreateIndex(
                name: "IX_WorkflowTimers_InstanceId_TimerKey",
                schema: "workflow",
                table: "WorkflowTimers",
                columns: new[] { "InstanceId", "TimerKey" });
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropTable(
                name: "BufferedWorkflowMessages",
                schema: "workflow");

            migrationBuilder.DropTable(
                name: "KnownDealerships",
                schema: "workflow");

            migrationBuilder.DropTable(
                name: "WorkflowDefinitions",
                schema: "workflow");

            migrationBuilder.DropTable(
                name: "WorkflowInstances",
                schema: "workflow");

            migrationBuilder.DropTable(
                name: "WorkflowJournal",
                schema: "workflow");

            migrationBuilder.DropTable(
                name: "WorkflowMessageSubscriptions",
                schema: "workflow");

            migrationBuilder.DropTable(
                name: "WorkflowTimers",
                schema: "workflow");
        }
    }
}
