using System;
using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace Dealership.LeadIntake.Migrations.SqlServer
{
    /// <inheritdoc />
    public partial class FunnelMilestones : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.AddColumn<DateTimeOffset>(
                name: "ArrivedAt",
                schema: "leads",
                table: "Leads",
                type: "datetimeoffset",
                nullable: true);

            migrationBuilder.AddColumn<DateTimeOffset>(
                name: "BookedAt",
                schema: "leads",
                table: "Leads",
                type: "datetimeoffset",
                nullable: true);

            migrationBuilder.AddColumn<DateTimeOffset>(
                name: "FirstAssignedAt",
                schema: "leads",
                table: "Leads",
                type: "datetimeoffset",
                nullable: true);

            migrationBuilder.AddColumn<DateTimeOffset>(
                name: "FirstCallAt",
                schema: "leads",
                table: "Leads",
                type: "datetimeoffset",
                nullable: true);

            migrationBuilder.AddColumn<Guid>(
                name: "FirstConsultantId",
                schema: "leads",
                table: "Leads",
                type: "uniqueidentifier",
                nullable: true);

            migrationBuilder.AddColumn<string>(
                name: "FirstConsultantName",
                schema: "leads",
                table: "Leads",
                type: "nvarchar(200)",
                maxLength: 200,
                nullable: true);

            migrationBuilder.AddColumn<DateTimeOffset>(
                name: "InvitedAt",
                schema: "leads",
                table: "Leads",
                type: "datetimeoffset",
                nullable: true);

            migrationBuilder.AddColumn<string>(
                name: "LostReason",
                schema: "leads",
                table: "Leads",
                type: "nvarchar(500)",
                maxLength: 500,
                nullable: true);

            migrationBuilder.AddColumn<DateTimeOffset>(
                name: "ReachedAt",
                schema: "leads",
                table: "Leads",
                type: "datetimeoffset",
                nullable: true);
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropColumn(
                name: "ArrivedAt",
                schema: "leads",
                table: "Leads");

            migrationBuilder.DropColumn(
                name: "BookedAt",
                schema: "leads",
                table: "Leads");

            migrationBuilder.DropColumn(
                name: "FirstAssignedAt",
                schema: "leads",
                table: "Leads");

            migrationBuilder.DropColumn(
                name: "FirstCallAt",
                schema: "leads",
                table: "Leads");

            migrationBuilder.DropColumn(
                name: "FirstConsultantId",
                schema: "leads",
                table: "Leads");

            migrationBuilder.DropColumn(
                name: "FirstConsultantName",
                schema: "leads",
                table: "Leads");

            migrationBuilder.DropColumn(
                name: "InvitedAt",
                schema: "leads",
                table: "Leads");

            migrationBuilder.DropColumn(
                name: "LostReason",
                schema: "leads",
                table: "Leads");

            migrationBuilder.DropColumn(
                name: "ReachedAt",
                schema: "leads",
                table: "Leads");
        }
    }
}
