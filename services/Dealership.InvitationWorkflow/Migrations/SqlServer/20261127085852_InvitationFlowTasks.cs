using System;
using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace Dealership.InvitationWorkflow.Migrations.SqlServer
{
    /// <inheritdoc />
    public partial class InvitationFlowTasks : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropIndex(
                name: "IX_ConsultantTasks_LeadId_Kind",
                schema: "workflow",
                table: "ConsultantTasks");

            migrationBuilder.AddColumn<string>(
                name: "CustomerName",
                schema: "workflow",
                table: "ConsultantTasks",
                type: "nvarchar(200)",
                maxLength: 200,
                nullable: true);

            migrationBuilder.AddColumn<string>(
                name: "CustomerPhone",
                schema: "workflow",
                table: "ConsultantTasks",
                type: "nvarchar(20)",
                maxLength: 20,
                nullable: true);

            migrationBuilder.AddColumn<string>(
                name: "ElementId",
                schema: "workflow",
                table: "ConsultantTasks",
                type: "nvarchar(200)",
                maxLength: 200,
                nullable: true);

            migrationBuilder.AddColumn<Guid>(
                name: "InstanceId",
                schema: "workflow",
                table: "ConsultantTasks",
                type: "uniqueidentifier",
                nullable: true);

            migrationBuilder.AddColumn<string>(
                name: "Offer",
                schema: "workflow",
                table: "ConsultantTasks",
                type: "nvarchar(1000)",
                maxLength: 1000,
                nullable: true);

            migrationBuilder.AddColumn<string>(
                name: "Source",
                schema: "workflow",
                table: "ConsultantTasks",
                type: "nvarchar(60)",
                maxLength: 60,
                nullable: true);

            migrationBuilder.AddColumn<string>(
                name: "Steps",
                schema: "workflow",
                table: "ConsultantTasks",
                type: "nvarchar(2000)",
                maxLength: 2000,
                nullable: true);

            migrationBuilder.AddColumn<string>(
                name: "Title",
                schema: "workflow",
                table: "ConsultantTasks",
                type: "nvarchar(300)",
                maxLength: 300,
                nullable: true);

            migrationBuilder.AddColumn<long>(
                name: "UserTaskKey",
                schema: "workflow",
                table: "ConsultantTasks",
                type: "bigint",
                nullable: true);

            migrationBuilder.AddColumn<string>(
                name: "VehicleOfInterest",
                schema: "workflow",
                table: "ConsultantTasks",
                type: "nvarchar(200)",
                maxLength: 200,
                nullable: true);

            migrationBuilder.AddColumn<string>(
                name: "Why",
                schema: "workflow",
                table: "ConsultantTasks",
                type: "nvarchar(1000)",
                maxLength: 1000,
                nullable: true);

            migrationBuilder.CreateTable(
                name: "KnownLeads",
                schema: "workflow",
                columns: table => new
                {
                    Id = table.Column<Guid>(type: "uniqueidentifier", nullable: false),
                    DealershipId = table.Column<Guid>(type: "uniqueidentifier", nullable: false),
                    Source = table.Column<string>(type: "nvarchar(60)", maxLength: 60, nullable: false),
                    CustomerName = table.Column<string>(type: "nvarchar(200)", maxLength: 200, nullable: true),
                    CustomerPhone = table.Column<string>(type: "nvarchar(20)", maxLength: 20, nullable: true),
                    VehicleOfInterest = table.Column<string>(type: "nvarchar(200)", maxLength: 200, nullable: true),
                    AcceptedAt = table.Column<DateTimeOffset>(type: "datetimeoffset", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_KnownLeads", x => x.Id);
                });

            migrationBuilder.CreateIndex(
                name: "IX_ConsultantTasks_InstanceId_UserTaskKey",
                schema: "workflow",
                table: "ConsultantTasks",
                columns: new[] { "InstanceId", "UserTaskKey" },
                unique: true,
                filter: "[InstanceId] IS NOT NULL AND [UserTaskKey] IS NOT NULL");

            migrationBuilder.CreateIndex(
                name: "IX_ConsultantTasks_LeadId",
                schema: "workflow",
                table: "ConsultantTasks",
                column: "LeadId");
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropTable(
                name: "KnownLeads",
                schema: "workflow");

            migrationBuilder.DropIndex(
                name: "IX_ConsultantTasks_InstanceId_UserTaskKey",
                schema: "workflow",
                table: "ConsultantTasks");

            migrationBuilder.DropIndex(
                name: "IX_ConsultantTasks_LeadId",
                schema: "workflow",
                table: "ConsultantTasks");

            migrationBuilder.DropColumn(
                name: "CustomerName",
                schema: "workflow",
                table: "ConsultantTasks");

            migrationBuilder.DropColumn(
                name: "CustomerPhone",
                schema: "workflow",
                table: "ConsultantTasks");

            migrationBuilder.DropColumn(
                name: "ElementId",
                schema: "workflow",
                table: "ConsultantTasks");

            migrationBuilder.DropColumn(
                name: "InstanceId",
                schema: "workflow",
                table: "ConsultantTasks");

            migrationBuilder.DropColumn(
                name: "Offer",
                schema: "workflow",
                table: "ConsultantTasks");

            migrationBuilder.DropColumn(
                name: "Source",
                schema: "workflow",
                table: "ConsultantTasks");

            migrationBuilder.DropColumn(
                name: "Steps",
                schema: "workflow",
                table: "ConsultantTasks");

            migrationBuilder.DropColumn(
                name: "Title",
                schema: "workflow",
                table: "ConsultantTasks");

            migrationBuilder.DropColumn(
                name: "UserTaskKey",
                schema: "workflow",
                table: "ConsultantTasks");

            migrationBuilder.DropColumn(
                name: "VehicleOfInterest",
                schema: "workflow",
                table: "ConsultantTasks");

            migrationBuilder.DropColumn(
                name: "Why",
                schema: "workflow",
                table: "ConsultantTasks");

            migrationBuilder.CreateIndex(
                name: "IX_ConsultantTasks_LeadId_Kind",
                schema: "workflow",
                table: "ConsultantTasks",
                columns: new[] { "LeadId", "Kind" },
                unique: true);
        }
    }
}
