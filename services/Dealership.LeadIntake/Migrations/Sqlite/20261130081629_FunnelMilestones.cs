using System;
using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace Dealership.LeadIntake.Migrations.Sqlite
{
    /// <inheritdoc />
    public partial class FunnelMilestones : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.AddColumn<long>(
                name: "ArrivedAt",
                table: "Leads",
                type: "INTEGER",
                nullable: true);

            migrationBuilder.AddColumn<long>(
                name: "BookedAt",
                table: "Leads",
                type: "INTEGER",
                nullable: true);

            migrationBuilder.AddColumn<long>(
                name: "FirstAssignedAt",
                table: "Leads",
                type: "INTEGER",
                nullable: true);

            migrationBuilder.AddColumn<long>(
                name: "FirstCallAt",
                table: "Leads",
                type: "INTEGER",
                nullable: true);

            migrationBuilder.AddColumn<Guid>(
                name: "FirstConsultantId",
                table: "Leads",
                type: "TEXT",
                nullable: true);

            migrationBuilder.AddColumn<string>(
                name: "FirstConsultantName",
                table: "Leads",
                type: "TEXT",
                maxLength: 200,
                nullable: true);

            migrationBuilder.AddColumn<long>(
                name: "InvitedAt",
                table: "Leads",
                type: "INTEGER",
                nullable: true);

            migrationBuilder.AddColumn<string>(
                name: "LostReason",
                table: "Leads",
                type: "TEXT",
                maxLength: 500,
                nullable: true);

            migrationBuilder.AddColumn<long>(
                name: "ReachedAt",
                table: "Leads",
                type: "INTEGER",
                nullable: true);
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropColumn(
                name: "ArrivedAt",
                table: "Leads");

            migrationBuilder.DropColumn(
                name: "BookedAt",
                table: "Leads");

            migrationBuilder.DropColumn(
                name: "FirstAssignedAt",
                table: "Leads");

            migrationBuilder.DropColumn(
                name: "FirstCallAt",
                table: "Leads");

            migrationBuilder.DropColumn(
                name: "FirstConsultantId",
                table: "Leads");

            migrationBuilder.DropColumn(
                name: "FirstConsultantName",
                table: "Leads");

            migrationBuilder.DropColumn(
                name: "InvitedAt",
                table: "Leads");

            migrationBuilder.DropColumn(
                name: "LostReason",
                table: "Leads");

            migrationBuilder.DropColumn(
                name: "ReachedAt",
                table: "Leads");
        }
    }
}
