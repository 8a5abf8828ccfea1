using System;
using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace Dealership.Assignment.Migrations.Sqlite
{
    /// <inheritdoc />
    public partial class RosterRulesEscalationPlans : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.AddColumn<string>(
                name: "DaysOff",
                table: "Consultants",
                type: "TEXT",
                maxLength: 4000,
                nullable: false,
                defaultValue: "[]");

            migrationBuilder.AddColumn<string>(
                name: "Languages",
                table: "Consultants",
                type: "TEXT",
                maxLength: 4000,
                nullable: false,
                defaultValue: "[]");

            migrationBuilder.AddColumn<int>(
                name: "MaxOpenLeads",
                table: "Consultants",
                type: "INTEGER",
                nullable: true);

            migrationBuilder.AddColumn<int>(
                name: "MissedFirstContacts",
                table: "Consultants",
                type: "INTEGER",
                nullable: false,
                defaultValue: 0);

            migrationBuilder.AddColumn<int>(
                name: "OpenLeads",
                table: "Consultants",
                type: "INTEGER",
                nullable: false,
                defaultValue: 0);

            migrationBuilder.AddColumn<string>(
                name: "Role",
                table: "Consultants",
                type: "TEXT",
                maxLength: 40,
                nullable: false,
                defaultValue: "Consultant");

            migrationBuilder.AddColumn<string>(
                name: "Skills",
                table: "Consultants",
                type: "TEXT",
                maxLength: 4000,
                nullable: false,
                defaultValue: "[]");

            migrationBuilder.AddColumn<string>(
                name: "Status",
                table: "Consultants",
                type: "TEXT",
                maxLength: 40,
                nullable: false,
                defaultValue: "Active");

            migrationBuilder.AddColumn<Guid>(
                name: "SupervisorId",
                table: "Consultants",
                type: "TEXT",
                nullable: true);

            migrationBuilder.AddColumn<string>(
                name: "Team",
                table: "Consultants",
                type: "TEXT",
                maxLength: 100,
                nullable: true);

            migrationBuilder.AddColumn<string>(
                name: "WorkingHours",
                table: "Consultants",
                type: "TEXT",
                maxLength: 4000,
                nullable: false,
                defaultValue: "[]");

            migrationBuilder.AddColumn<long>(
                name: "AssignedAt",
                table: "Assignments",
                type: "INTEGER",
                nullable: true);

            migrationBuilder.AddColumn<string>(
                name: "CustomerPhone",
                table: "Assignments",
                type: "TEXT",
                maxLength: 32,
                nullable: true);

            migrationBuilder.AddColumn<string>(
                name: "Language",
                table: "Assignments",
                type: "TEXT",
                maxLength: 40,
                nullable: true);

            migrationBuilder.AddColumn<string>(
                name: "Rule",
                table: "Assignments",
                type: "TEXT",
                maxLength: 200,
                nullable: true);

            migrationBuilder.AddColumn<string>(
                name: "Source",
                table: "Assignments",
                type: "TEXT",
                maxLength: 40,
                nullable: false,
                defaultValue: "");

            migrationBuilder.AddColumn<string>(
                name: "State",
                table: "Assignments",
                type: "TEXT",
                maxLength: 40,
                nullable: false,
                defaultValue: "Assigned");

            migrationBuilder.AddColumn<string>(
                name: "Vehicle",
                table: "Assignments",
                type: "TEXT",
                maxLength: 200,
                nullable: true);

            migrationBuilder.AddColumn<int>(
                name: "Version",
                table: "Assignments",
                type: "INTEGER",
                nullable: false,
                defaultValue: 0);

            migrationBuilder.AddColumn<long>(
                name: "WaitUntil",
                table: "Assignments",
                type: "INTEGER",
                nullable: true);

            migrationBuilder.CreateTable(
                name: "AssignmentAudit",
                columns: table => new
                {
                    Id = table.Column<Guid>(type: "TEXT", nullable: false),
                    DealershipId = table.Column<Guid>(type: "TEXT", nullable: false),
                    LeadId = table.Column<Guid>(type: "TEXT", nullable: false),
                    Action = table.Column<string>(type: "TEXT", maxLength: 40, nullable: false),
                    FromConsultantId = table.Column<Guid>(type: "TEXT", nullable: true),
                    ToConsultantId = table.Column<Guid>(type: "TEXT", nullable: true),
                    Reason = table.Column<string>(type: "TEXT", maxLength: 1000, nullable: false),
                    Actor = table.Column<string>(type: "TEXT", maxLength: 200, nullable: false),
                    At = table.Column<long>(type: "INTEGER", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_AssignmentAudit", x => x.Id);
                });

            migrationBuilder.CreateTable(
                name: "RoutingRules",
                columns: table => new
                {
                    Id = table.Column<Guid>(type: "TEXT", nullable: false),
                    DealershipId = table.Column<Guid>(type: "TEXT", nullable: false),
                    Priority = table.Column<int>(type: "INTEGER", nullable: false),
                    Name = table.Column<string>(type: "TEXT", maxLength: 200, nullable: false),
                    Sources = table.Column<string>(type: "TEXT", maxLength: 4000, nullable: false),
                    VehicleContains = table.Column<string>(type: "TEXT", maxLength: 200, nullable: true),
                    Language = table.Column<string>(type: "TEXT", maxLength: 40, nullable: true),
                    Team = table.Column<string>(type: "TEXT", maxLength: 100, nullable: true),
                    Steps = table.Column<string>(type: "TEXT", maxLength: 4000, nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_RoutingRules", x => x.Id);
                });

            migrationBuilder.CreateTable(
                name: "Settings",
                columns: table => new
                {
                    DealershipId = table.Column<Guid>(type: "TEXT", nullable: false),
                    DealershipCode = table.Column<string>(type: "TEXT", maxLength: 32, nullable: false),
                    TimeZone = table.Column<string>(type: "TEXT", maxLength: 64, nullable: false),
                    OutsideHours = table.Column<string>(type: "TEXT", maxLength: 40, nullable: false),
                    OnFirstContactOverdue = table.Column<string>(type: "TEXT", maxLength: 40, nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_Settings", x => x.DealershipId);
                });

            migrationBuilder.CreateTable(
                name: "StoreVisits",
                columns: table => new
                {
                    AppointmentId = table.Column<Guid>(type: "TEXT", nullable: false),
                    DealershipId = table.Column<Guid>(type: "TEXT", nullable: false),
                    LeadId = table.Column<Guid>(type: "TEXT", nullable: false),
                    ConsultantId = table.Column<Guid>(type: "TEXT", nullable: true),
                    Source = table.Column<string>(type: "TEXT", maxLength: 40, nullable: false),
                    Month = table.Column<string>(type: "TEXT", maxLength: 7, nullable: false),
                    ArrivedAt = table.Column<long>(type: "INTEGER", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_StoreVisits", x => x.AppointmentId);
                });

            migrationBuilder.CreateTable(
                name: "VisitTargets",
                columns: table => new
                {
                    Id = table.Column<Guid>(type: "TEXT", nullable: false),
                    DealershipId = table.Column<Guid>(type: "TEXT", nullable: false),
                    ConsultantId = table.Column<Guid>(type: "TEXT", nullable: false),
                    Month = table.Column<string>(type: "TEXT", maxLength: 7, nullable: false),
                    Source = table.Column<string>(type: "TEXT", maxLength: 40, nullable: false),
                    Visits = table.Column<int>(type: "INTEGER", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_VisitTargets", x => x.Id);
                });

            migrationBuilder.CreateIndex(
                name: "IX_Assignments_ConsultantId_State",
                table: "Assignments",
                columns: new[] { "ConsultantId", "State" });

            migrationBuilder.CreateIndex(
                name: "IX_Assignments_DealershipId_CustomerPhone",
                table: "Assignments",
                columns: new[] { "DealershipId", "CustomerPhone" });

            migrationBuilder.CreateIndex(
                name: "IX_Assignments_DealershipId_State",
                table: "Assignments",
                columns: new[] { "DealershipId", "State" });

            migrationBuilder.CreateIndex(
                name: "IX_Assignments_State_WaitUntil",
                table: "Assignments",
                columns: new[] { "State", "WaitUntil" });

            migrationBuilder.CreateIndex(
                name: "IX_AssignmentAudit_DealershipId_At",
                table: "AssignmentAudit",
                columns: new[] { "DealershipId", "At" });

            migrationBuilder.CreateIndex(
                name: "IX_AssignmentAudit_LeadId_At",
                table: "AssignmentAudit",
                columns: new[] { "LeadId", "At" });

            migrationBuilder.CreateIndex(
                name: "IX_RoutingRules_DealershipId_Priority",
                table: "RoutingRules",
                columns: new[] { "DealershipId", "Priority" });

            migrationBuilder.CreateIndex(
                name: "IX_StoreVisits_DealershipId_Month",
                table: "StoreVisits",
                columns: new[] { "DealershipId", "Month" });

            migrationBuilder.CreateIndex(
                name: "IX_VisitTargets_DealershipId_Month_ConsultantId_Source",
                table: "VisitTargets",
                columns: new[] { "DealershipId", "Month", "ConsultantId", "Source" },
                unique: true);

            // Leads the walking skeleton left without a consultant were waiting for a person; loads start from what is held.
            migrationBuilder.Sql("UPDATE Assignments SET State = 'SupervisorQueue' WHERE ConsultantId IS NULL");
            migrationBuilder.Sql("UPDATE Assignments SET AssignedAt = DecidedAt WHERE ConsultantId IS NOT NULL");
            migrationBuilder.Sql("UPDATE Consultants SET OpenLeads = (SELECT COUNT(*) FROM Assignments a WHERE a.ConsultantId = Consultants.Id)");
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropTable(
                name: "AssignmentAudit");

            migrationBuilder.DropTable(
                name: "RoutingRules");

            migrationBuilder.DropTable(
                name: "Settings");

            migrationBuilder.DropTable(
                name: "StoreVisits");

            migrationBuilder.DropTable(
                name: "VisitTargets");

            migrationBuilder.DropIndex(
                name: "IX_Assignments_ConsultantId_State",
                table: "Assignments");

            migrationBuilder.DropIndex(
                name: "IX_Assignments_DealershipId_CustomerPhone",
                table: "Assignments");

            migrationBuilder.DropIndex(
                name: "IX_Assignments_DealershipId_State",
                table: "Assignments");

            migrationBuilder.DropIndex(
                name: "IX_Assignments_State_WaitUntil",
                table: "Assignments");

            migrationBuilder.DropColumn(
                name: "DaysOff",
                table: "Consultants");

            migrationBuilder.DropColumn(
                name: "Languages",
                table: "Consultants");

            migrationBuilder.DropColumn(
                name: "MaxOpenLeads",
                table: "Consultants");

            migrationBuilder.DropColumn(
                name: "MissedFirstContacts",
                table: "Consultants");

            migrationBuilder.DropColumn(
                name: "OpenLeads",
                table: "Consultants");

            migrationBuilder.DropColumn(
                name: "Role",
                table: "Consultants");

            migrationBuilder.DropColumn(
                name: "Skills",
                table: "Consultants");

            migrationBuilder.DropColumn(
                name: "Status",
                table: "Consultants");

            migrationBuilder.DropColumn(
                name: "SupervisorId",
                table: "Consultants");

            migrationBuilder.DropColumn(
                name: "Team",
                table: "Consultants");

            migrationBuilder.DropColumn(
                name: "WorkingHours",
                table: "Consultants");

            migrationBuilder.DropColumn(
                name: "AssignedAt",
                table: "Assignments");

            migrationBuilder.DropColumn(
                name: "CustomerPhone",
                table: "Assignments");

            migrationBuilder.DropColumn(
                name: "Language",
                table: "Assignments");

            migrationBuilder.DropColumn(
                name: "Rule",
                table: "Assignments");

            migrationBuilder.DropColumn(
                name: "Source",
                table: "Assignments");

            migrationBuilder.DropColumn(
                name: "State",
                table: "Assignments");

            migrationBuilder.DropColumn(
                name: "Vehicle",
                table: "Assignments");

            migrationBuilder.DropColumn(
                name: "Version",
                table: "Assignments");

            migrationBuilder.DropColumn(
                name: "WaitUntil",
                table: "Assignments");
        }
    }
}
