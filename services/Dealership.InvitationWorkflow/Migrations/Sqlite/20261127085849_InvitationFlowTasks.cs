using System;
using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace Dealership.InvitationWorkflow.Migrations.Sqlite
{
    /// <inheritdoc />
    public partial class InvitationFlowTasks : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropIndex(
                name: "IX_ConsultantTasks_LeadId_Kind",
                table: "ConsultantTasks");

            migrationBuilder.AddColumn<string>(
                name: "CustomerName",
                table: "ConsultantTasks",
                type: "TEXT",
                maxLength: 200,
                nullable: true);

            migrationBuilder.AddColumn<string>(
                name: "CustomerPhone",
                table: "ConsultantTasks",
                type: "TEXT",
                maxLength: 20,
                nullable: true);

            migrationBuilder.AddColumn<string>(
                name: "ElementId",
                table: "ConsultantTasks",
                type: "TEXT",
                maxLength: 200,
                nullable: true);

            migrationBuilder.AddColumn<Guid>(
                name: "InstanceId",
                table: "ConsultantTasks",
                type: "TEXT",
                nullable: true);

            migrationBuilder.AddColumn<string>(
                name: "Offer",
                table: "ConsultantTasks",
                type: "TEXT",
                maxLength: 1000,
                nullable: true);

            migrationBuilder.AddColumn<string>(
                name: "Source",
                table: "ConsultantTasks",
                type: "TEXT",
                maxLength: 60,
                nullable: true);

            migrationBuilder.AddColumn<string>(
                name: "Steps",
                table: "ConsultantTasks",
                type: "TEXT",
                maxLength: 2000,
                nullable: true);

            migrationBuilder.AddColumn<string>(
                name: "Title",
                table: "ConsultantTasks",
                type: "TEXT",
                maxLength: 300,
                nullable: true);

            migrationBuilder.AddColumn<long>(
                name: "UserTaskKey",
                table: "ConsultantTasks",
                type: "INTEGER",
                nullable: true);

            migrationBuilder.AddColumn<string>(
                name: "VehicleOfInterest",
                table: "ConsultantTasks",
                type: "TEXT",
                maxLength: 200,
                nullable: true);

            migrationBuilder.AddColumn<string>(
                name: "Why",
                table: "ConsultantTasks",
                type: "TEXT",
                maxLength: 1000,
                nullable: true);

            migrationBuilder.CreateTable(
                name: "KnownLeads",
                columns: table => new
                {
                    Id = table.Column<Guid>(type: "TEXT", nullable: false),
                    DealershipId = table.Column<Guid>(type: "TEXT", nullable: false),
                    Source = table.Column<string>(type: "TEXT", maxLength: 60, nullable: false),
                    CustomerName = table.Column<string>(type: "TEXT", maxLength: 200, nullable: true),
                    CustomerPhone = table.Column<string>(type: "TEXT", maxLength: 20, nullable: true),
                    VehicleOfInterest = table.Column<string>(type: "TEXT", maxLength: 200, nullable: true),
                    AcceptedAt = table.Column<long>(type: "INTEGER", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_KnownLeads", x => x.Id);
                });

            migrationBuilder.CreateIndex(
                name: "IX_ConsultantTasks_InstanceId_UserTaskKey",
                table: "ConsultantTasks",
                columns: new[] { "InstanceId", "UserTaskKey" },
                unique: true);

            migrationBuilder.CreateIndex(
                name: "IX_ConsultantTasks_LeadId",
                table: "ConsultantTasks",
                column: "LeadId");
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropTable(
                name: "KnownLeads");

            migrationBuilder.DropIndex(
                name: "IX_ConsultantTasks_InstanceId_UserTaskKey",
                table: "ConsultantTasks");

            migrationBuilder.DropIndex(
                name: "IX_ConsultantTasks_LeadId",
                table: "ConsultantTasks");

            migrationBuilder.DropColumn(
                name: "CustomerName",
                table: "ConsultantTasks");

            migrationBuilder.DropColumn(
                name: "CustomerPhone",
                table: "ConsultantTasks");

            migrationBuilder.DropColumn(
                name: "ElementId",
                table: "ConsultantTasks");

            migrationBuilder.DropColumn(
                name: "InstanceId",
                table: "ConsultantTasks");

            migrationBuilder.DropColumn(
                name: "Offer",
                table: "ConsultantTasks");

            migrationBuilder.DropColumn(
                name: "Source",
                table: "ConsultantTasks");

            migrationBuilder.DropColumn(
                name: "Steps",
                table: "ConsultantTasks");

            migrationBuilder.DropColumn(
                name: "Title",
                table: "ConsultantTasks");

            migrationBuilder.DropColumn(
                name: "UserTaskKey",
                table: "ConsultantTasks");

            migrationBuilder.DropColumn(
                name: "VehicleOfInterest",
                table: "ConsultantTasks");

            migrationBuilder.DropColumn(
                name: "Why",
                table: "ConsultantTasks");

            migrationBuilder.CreateIndex(
                name: "IX_ConsultantTasks_LeadId_Kind",
                table: "ConsultantTasks",
                columns: new[] { "LeadId", "Kind" },
                unique: true);
        }
    }
}
