using System;
using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace Dealership.Assignment.Migrations.SqlServer
{
    /// <inheritdoc />
    public partial class RosterRulesEscalationPlans : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.AddColumn<string>(
                name: "DaysOff",
                schema: "assignment",
                table: "Consultants",
                type: "nvarchar(4000)",
                maxLength: 4000,
                nullable: false,
                defaultValue: "[]");

            migrationBuilder.AddColumn<string>(
                name: "Languages",
                schema: "assignment",
                table: "Consultants",
                type: "nvarchar(4000)",
                maxLength: 4000,
                nullable: false,
                defaultValue: "[]");

            migrationBuilder.AddColumn<int>(
                name: "MaxOpenLeads",
                schema: "assignment",
                table: "Consultants",
                type: "int",
                nullable: true);

            migrationBuilder.AddColumn<int>(
                name: "MissedFirstContacts",
                schema: "assignment",
                table: "Consultants",
                type: "int",
                nullable: false,
                defaultValue: 0);

            migrationBuilder.AddColumn<int>(
                name: "OpenLeads",
                schema: "assignment",
                table: "Consultants",
                type: "int",
                nullable: false,
                defaultValue: 0);

            migrationBuilder.AddColumn<string>(
                name: "Role",
                schema: "assignment",
                table: "Consultants",
                type: "nvarchar(40)",
                maxLength: 40,
                nullable: false,
                defaultValue: "Consultant");

            migrationBuilder.AddColumn<string>(
                name: "Skills",
                schema: "assignment",
                table: "Consultants",
                type: "nvarchar(4000)",
                maxLength: 4000,
                nullable: false,
                defaultValue: "[]");

            migrationBuilder.AddColumn<string>(
                name: "Status",
                schema: "assignment",
                table: "Consultants",
                type: "nvarchar(40)",
                maxLength: 40,
                nullable: false,
                defaultValue: "Active");

            migrationBuilder.AddColumn<Guid>(
                name: "SupervisorId",
                schema: "assignment",
                table: "Consultants",
                type: "uniqueidentifier",
                nullable: true);

            migrationBuilder.AddColumn<string>(
                name: "Team",
                schema: "assignment",
                table: "Consultants",
                type: "nvarchar(100)",
                maxLength: 100,
                nullable: true);

            migrationBuilder.AddColumn<string>(
                name: "WorkingHours",
                schema: "assignment",
                table: "Consultants",
                type: "nvarchar(4000)",
                maxLength: 4000,
                nullable: false,
                defaultValue: "[]");

            migrationBuilder.AlterColumn<string>(
                name: "Reason",
                schema: "assignment",
                table: "Assignments",
                type: "nvarchar(1000)",
                maxLength: 1000,
                nullable: false,
                oldClrType: typeof(string),
                oldType: "nvarchar(500)",
                oldMaxLength: 500);

            migrationBuilder.AddColumn<DateTimeOffset>(
                name: "AssignedAt",
                schema: "assignment",
                table: "Assignments",
                type: "datetimeoffset",
                nullable: true);

            migrationBuilder.AddColumn<string>(
                name: "CustomerPhone",
                schema: "assignment",
                table: "Assignments",
                type: "nvarchar(32)",
                maxLength: 32,
                nullable: true);

            migrationBuilder.AddColumn<string>(
                name: "Language",
                schema: "assignment",
                table: "Assignments",
                type: "nvarchar(40)",
                maxLength: 40,
                nullable: true);

            migrationBuilder.AddColumn<string>(
                name: "Rule",
                schema: "assignment",
                table: "Assignments",
                type: "nvarchar(200)",
                maxLength: 200,
                nullable: true);

            migrationBuilder.AddColumn<string>(
                name: "Source",
                schema: "assignment",
                table: "Assignments",
                type: "nvarchar(40)",
                maxLength: 40,
                nullable: false,
                defaultValue: "");

            migrationBuilder.AddColumn<string>(
                name: "State",
                schema: "assignment",
                table: "Assignments",
                type: "nvarchar(40)",
                maxLength: 40,
                nullable: false,
                defaultValue: "Assigned");

            migrationBuilder.AddColumn<string>(
                name: "Vehicle",
                schema: "assignment",
                table: "Assignments",
                type: "nvarchar(200)",
                maxLength: 200,
                nullable: true);

            migrationBuilder.AddColumn<int>(
                name: "Version",
                schema: "assignment",
                table: "Assignments",
                type: "int",
                nullable: false,
                defaultValue: 0);

            migrationBuilder.AddColumn<DateTimeOffset>(
                name: "WaitUntil",
                schema: "assignment",
                table: "Assignments",
                type: "datetimeoffset",
                nullable: true);

            migrationBuilder.CreateTable(
                name: "AssignmentAudit",
                schema: "assignment",
                columns: table => new
                {
                    Id = table.Column<Guid>(type: "uniqueidentifier", nullable: false),
                    DealershipId = table.Column<Guid>(type: "uniqueidentifier", nullable: false),
                    LeadId = table.Column<Guid>(type: "uniqueidentifier", nullable: false),
                    Action = table.Column<string>(type: "nvarchar(40)", maxLength: 40, nullable: false),
                    FromConsultantId = table.Column<Guid>(type: "uniqueidentifier", nullable: true),
                    ToConsultantId = table.Column<Guid>(type: "uniqueidentifier", nullable: true),
                    Reason = table.Column<string>(type: "nvarchar(1000)", maxLength: 1000, nullable: false),
                    Actor = table.Column<string>(type: "nvarchar(200)", maxLength: 200, nullable: false),
                    At = table.Column<DateTimeOffset>(type: "datetimeoffset", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_AssignmentAudit", x => x.Id);
                });

            migrationBuilder.CreateTable(
                name: "RoutingRules",
                schema: "assignment",
                columns: table => new
                {
                    Id = table.Column<Guid>(type: "uniqueidentifier", nullable: false),
                    DealershipId = table.Column<Guid>(type: "uniqueidentifier", nullable: false),
                    Priority = table.Column<int>(type: "int", nullable: false),
                    Name = table.Column<string>(type: "nvarchar(200)", maxLength: 200, nullable: false),
                    Sources = table.Column<string>(type: "nvarchar(4000)", maxLength: 4000, nullable: false),
                    VehicleContains = table.Column<string>(type: "nvarchar(200)", maxLength: 200, nullable: true),
                    Language = table.Column<string>(type: "nvarchar(40)", maxLength: 40, nullable: true),
                    Team = table.Column<string>(type: "nvarchar(100)", maxLength: 100, nullable: true),
                    Steps = table.Column<string>(type: "nvarchar(4000)", maxLength: 4000, nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_RoutingRules", x => x.Id);
                });

            migrationBuilder.CreateTable(
                name: "Settings",
                schema: "assignment",
                columns: table => new
                {
                    DealershipId = table.Column<Guid>(type: "uniqueidentifier", nullable: false),
                    DealershipCode = table.Column<string>(type: "nvarchar(32)", maxLength: 32, nullable: false),
                    TimeZone = table.Column<string>(type: "nvarchar(64)", maxLength: 64, nullable: false),
                    OutsideHours = table.Column<string>(type: "nvarchar(40)", maxLength: 40, nullable: false),
                    OnFirstContactOverdue = table.Column<string>(type: "nvarchar(40)", maxLength: 40, nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_Settings", x => x.DealershipId);
                });

            migrationBuilder.CreateTable(
                name: "StoreVisits",
                schema: "assignment",
                columns: table => new
                {
                    AppointmentId = table.Column<Guid>(type: "uniqueidentifier", nullable: false),
                    DealershipId = table.Column<Guid>(type: "uniqueidentifier", nullable: false),
                    LeadId = table.Column<Guid>(type: "uniqueidentifier", nullable: false),
                    ConsultantId = table.Column<Guid>(type: "uniqueidentifier", nullable: true),
                    Source = table.Column<string>(type: "nvarchar(40)", maxLength: 40, nullable: false),
                    Month = table.Column<string>(type: "nvarchar(7)", maxLength: 7, nullable: false),
                    ArrivedAt = table.Column<DateTimeOffset>(type: "datetimeoffset", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_StoreVisits", x => x.AppointmentId);
                });

            migrationBuilder.CreateTable(
                name: "VisitTargets",
                schema: "assignment",
                columns: table => new
                {
                    Id = table.Column<Guid>(type: "uniqueidentifier", nullable: false),
                    DealershipId = table.Column<Guid>(type: "uniqueidentifier", nullable: false),
                    ConsultantId = table.Column<Guid>(type: "uniqueidentifier", nullable: false),
                    Month = table.Column<string>(type: "nvarchar(7)", maxLength: 7, nullable: false),
                    Source = table.Column<string>(type: "nvarchar(40)", maxLength: 40, nullable: false),
                    Visits = table.Column<int>(type: "int", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_VisitTargets", x => x.Id);
                });

            migrationBuilder.CreateIndex(
                name: "IX_Assignments_ConsultantId_State",
                schema: "assignment",
                table: "Assignments",
                columns: new[] { "ConsultantId", "State" });

            migrationBuilder.CreateIndex(
                name: "IX_Assignments_DealershipId_CustomerPhone",
                schema: "assignment",
                table: "Assignments",
                columns: new[] { "DealershipId", "CustomerPhone" });

            migrationBuilder.CreateIndex(
                name: "IX_Assignments_DealershipId_State",
                schema: "assignment",
                table: "Assignments",
                columns: new[] { "DealershipId", "State" });

            migrationBuilder.CreateIndex(
                name: "IX_Assignments_State_WaitUntil",
                schema: "assignment",
                table: "Assignments",
                columns: new[] { "State", "WaitUntil" });

            migrationBuilder.CreateIndex(
                name: "IX_AssignmentAudit_DealershipId_At",
                schema: "assignment",
                table: "AssignmentAudit",
                columns: new[] { "DealershipId", "At" });

            migrationBuilder.CreateIndex(
                name: "IX_AssignmentAudit_LeadId_At",
                schema: "assignment",
                table: "AssignmentAudit",
                columns: new[] { "LeadId", "At" });

            migrationBuilder.CreateIndex(
                name: "IX_RoutingRules_DealershipId_Priority",
                schema: "assignment",
                table: "RoutingRules",
                columns: new[] { "DealershipId", "Priority" });

            migrationBuilder.CreateIndex(
                name: "IX_StoreVisits_DealershipId_Month",
                schema: "assignment",
                table: "StoreVisits",
                columns: new[] { "DealershipId", "Month" });

            migrationBuilder.CreateIndex(
                name: "IX_VisitTargets_DealershipId_Month_ConsultantId_Source",
                schema: "assignment",
                table: "VisitTargets",
                columns: new[] { "DealershipId", "Month", "ConsultantId", "Source" },
                unique: true);

            // Leads the walking skeleton left without a consultant were waiting for a person; loads start from what is held.
            migrationBuilder.Sql("UPDATE [assignment].Assignments SET State = 'SupervisorQueue' WHERE ConsultantId IS NULL");
            migrationBuilder.Sql("UPDATE [assignment].Assignments SET AssignedAt = DecidedAt WHERE ConsultantId IS NOT NULL");
            migrationBuilder.Sql("UPDATE [assignment].Consultants SET OpenLeads = (SELECT COUNT(*) FROM [assignment].Assignments a WHERE a.ConsultantId = [assignment].Consultants.Id)");
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropTable(
                name: "AssignmentAudit",
                schema: "assignment");

            migrationBuilder.DropTable(
                name: "RoutingRules",
                schema: "assignment");

            migrationBuilder.DropTable(
                name: "Settings",
                schema: "assignment");

            migrationBuilder.DropTable(
                name: "StoreVisits",
                schema: "assignment");

            migrationBuilder.DropTable(
                name: "VisitTargets",
                schema: "assignment");

            migrationBuilder.DropIndex(
                name: "IX_Assignments_ConsultantId_State",
                schema: "assignment",
                table: "Assignments");

            migrationBuilder.DropIndex(
                name: "IX_Assignments_DealershipId_CustomerPhone",
                schema: "assignment",
                table: "Assignments");

            migrationBuilder.DropIndex(
                name: "IX_Assignments_DealershipId_State",
                schema: "assignment",
                table: "Assignments");

            migrationBuilder.DropIndex(
                name: "IX_Assignments_State_WaitUntil",
                schema: "assignment",
                table: "Assignments");

            migrationBuilder.DropColumn(
                name: "DaysOff",
                schema: "assignment",
                table: "Consultants");

            migrationBuilder.DropColumn(
                name: "Languages",
                schema: "assignment",
                table: "Consultants");

            migrationBuilder.DropColumn(
                name: "MaxOpenLeads",
                schema: "assignment",
                table: "Consultants");

            migrationBuilder.DropColumn(
                name: "MissedFirstContacts",
                schema: "assignment",
                table: "Consultants");

            migrationBuilder.DropColumn(
                name: "OpenLeads",
                schema: "assignment",
                table: "Consultants");

            migrationBuilder.DropColumn(
                name: "Role",
                schema: "assignment",
                table: "Consultants");

            migrationBuilder.DropColumn(
                name: "Skills",
                schema: "assignment",
                table: "Consultants");

            migrationBuilder.DropColumn(
                name: "Status",
                schema: "assignment",
                table: "Consultants");

            migrationBuilder.DropColumn(
                name: "SupervisorId",
                schema: "assignment",
                table: "Consultants");

            migrationBuilder.DropColumn(
                name: "Team",
                schema: "assignment",
                table: "Consultants");

            migrationBuilder.DropColumn(
                name: "WorkingHours",
                schema: "assignment",
                table: "Consultants");

            migrationBuilder.DropColumn(
                name: "AssignedAt",
                schema: "assignment",
                table: "Assignments");

            migrationBuilder.DropColumn(
                name: "CustomerPhone",
                schema: "assignment",
                table: "Assignments");

            migrationBuilder.DropColumn(
                name: "Language",
                schema: "assignment",
                table: "Assignments");

            migrationBuilder.DropColumn(
                name: "Rule",
                schema: "assignment",
                table: "Assignments");

            migrationBuilder.DropColumn(
                name: "Source",
                schema: "assignment",
                table: "Assignments");

            migrationBuilder.DropColumn(
                name: "State",
                schema: "assignment",
                table: "Assignments");

            migrationBuilder.DropColumn(
                name: "Vehicle",
                schema: "assignment",
                table: "Assignments");

            migrationBuilder.DropColumn(
                name: "Version",
                schema: "assignment",
                table: "Assignments");

            migrationBuilder.DropColumn(
                name: "WaitUntil",
                schema: "assignment",
                table: "Assignments");

            migrationBuilder.AlterColumn<string>(
                name: "Reason",
                schema: "assignment",
                table: "Assignments",
                type: "nvarchar(500)",
                maxLength: 500,
                nullable: false,
                oldClrType: typeof(string),
                oldType: "nvarchar(1000)",
                oldMaxLength: 1000);
        }
    }
}
