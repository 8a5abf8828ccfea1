using System;
using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace Dealership.Appointment.Migrations.SqlServer
{
    /// <inheritdoc />
    public partial class CalendarsAndBookingRules : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.AddColumn<Guid>(
                name: "ConsultantId",
                schema: "appointment",
                table: "Leads",
                type: "uniqueidentifier",
                nullable: true);

            migrationBuilder.AddColumn<string>(
                name: "Source",
                schema: "appointment",
                table: "Leads",
                type: "nvarchar(40)",
                maxLength: 40,
                nullable: true);

            migrationBuilder.AddColumn<DateTimeOffset>(
                name: "ArrivedAt",
                schema: "appointment",
                table: "Bookings",
                type: "datetimeoffset",
                nullable: true);

            migrationBuilder.AddColumn<string>(
                name: "BookedBy",
                schema: "appointment",
                table: "Bookings",
                type: "nvarchar(20)",
                maxLength: 20,
                nullable: false,
                defaultValue: "");

            migrationBuilder.AddColumn<string>(
                name: "CancelReason",
                schema: "appointment",
                table: "Bookings",
                type: "nvarchar(300)",
                maxLength: 300,
                nullable: true);

            migrationBuilder.AddColumn<DateTimeOffset>(
                name: "CancelledAt",
                schema: "appointment",
                table: "Bookings",
                type: "datetimeoffset",
                nullable: true);

            migrationBuilder.AddColumn<string>(
                name: "ConfirmationAnswer",
                schema: "appointment",
                table: "Bookings",
                type: "nvarchar(30)",
                maxLength: 30,
                nullable: true);

            migrationBuilder.AddColumn<DateTimeOffset>(
                name: "ConfirmedAt",
                schema: "appointment",
                table: "Bookings",
                type: "datetimeoffset",
                nullable: true);

            migrationBuilder.AddColumn<Guid>(
                name: "ConsultantId",
                schema: "appointment",
                table: "Bookings",
                type: "uniqueidentifier",
                nullable: true);

            migrationBuilder.AddColumn<Guid>(
                name: "ConsultantSlot",
                schema: "appointment",
                table: "Bookings",
                type: "uniqueidentifier",
                nullable: true);

            migrationBuilder.AddColumn<string>(
                name: "Directions",
                schema: "appointment",
                table: "Bookings",
                type: "nvarchar(500)",
                maxLength: 500,
                nullable: true);

            migrationBuilder.AddColumn<string>(
                name: "IdempotencyKey",
                schema: "appointment",
                table: "Bookings",
                type: "nvarchar(200)",
                maxLength: 200,
                nullable: true);

            migrationBuilder.AddColumn<string>(
                name: "Model",
                schema: "appointment",
                table: "Bookings",
                type: "nvarchar(100)",
                maxLength: 100,
                nullable: true);

            migrationBuilder.AddColumn<string>(
                name: "Resource",
                schema: "appointment",
                table: "Bookings",
                type: "nvarchar(20)",
                maxLength: 20,
                nullable: false,
                defaultValue: "");

            migrationBuilder.AddColumn<int>(
                name: "Seat",
                schema: "appointment",
                table: "Bookings",
                type: "int",
                nullable: true);

            migrationBuilder.AddColumn<string>(
                name: "Source",
                schema: "appointment",
                table: "Bookings",
                type: "nvarchar(40)",
                maxLength: 40,
                nullable: true);

            migrationBuilder.AddColumn<DateTimeOffset>(
                name: "UpdatedAt",
                schema: "appointment",
                table: "Bookings",
                type: "datetimeoffset",
                nullable: false,
                defaultValue: new DateTimeOffset(new DateTime(1, 1, 1, 0, 0, 0, 0, DateTimeKind.Unspecified), new TimeSpan(0, 0, 0, 0, 0)));

            migrationBuilder.AddColumn<int>(
                name: "Version",
                schema: "appointment",
                table: "Bookings",
                type: "int",
                nullable: false,
                defaultValue: 0);

            migrationBuilder.CreateTable(
                name: "Calendars",
                schema: "appointment",
                columns: table => new
                {
                    DealershipId = table.Column<Guid>(type: "uniqueidentifier", nullable: false),
                    DealershipCode = table.Column<string>(type: "nvarchar(32)", maxLength: 32, nullable: false),
                    TimeZone = table.Column<string>(type: "nvarchar(64)", maxLength: 64, nullable: false),
                    OpensAt = table.Column<TimeOnly>(type: "time", nullable: false),
                    ClosesAt = table.Column<TimeOnly>(type: "time", nullable: false),
                    SlotMinutes = table.Column<int>(type: "int", nullable: false),
                    ReceptionDesks = table.Column<int>(type: "int", nullable: false),
                    TestDriveCars = table.Column<int>(type: "int", nullable: false),
                    NoShowAfterMinutes = table.Column<int>(type: "int", nullable: false),
                    ClosedWeekdays = table.Column<string>(type: "nvarchar(max)", nullable: false),
                    ClosedDates = table.Column<string>(type: "nvarchar(max)", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_Calendars", x => x.DealershipId);
                });

            migrationBuilder.CreateIndex(
                name: "IX_Bookings_ConsultantSlot_StartsAt",
                schema: "appointment",
                table: "Bookings",
                columns: new[] { "ConsultantSlot", "StartsAt" },
                unique: true,
                filter: "[ConsultantSlot] IS NOT NULL");

            migrationBuilder.CreateIndex(
                name: "IX_Bookings_DealershipId_Resource_StartsAt_Seat",
                schema: "appointment",
                table: "Bookings",
                columns: new[] { "DealershipId", "Resource", "StartsAt", "Seat" },
                unique: true,
                filter: "[Seat] IS NOT NULL");

            migrationBuilder.CreateIndex(
                name: "IX_Bookings_IdempotencyKey",
                schema: "appointment",
                table: "Bookings",
                column: "IdempotencyKey",
                unique: true,
                filter: "[IdempotencyKey] IS NOT NULL");

            migrationBuilder.CreateIndex(
                name: "IX_Bookings_Status_StartsAt",
                schema: "appointment",
                table: "Bookings",
                columns: new[] { "Status", "StartsAt" });

            migrationBuilder.CreateIndex(
                name: "IX_Calendars_DealershipCode",
                schema: "appointment",
                table: "Calendars",
                column: "DealershipCode");
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropTable(
                name: "Calendars",
                schema: "appointment");

            migrationBuilder.DropIndex(
                name: "IX_Bookings_ConsultantSlot_StartsAt",
                schema: "appointment",
                table: "Bookings");

            migrationBuilder.DropIndex(
                name: "IX_Bookings_DealershipId_Resource_StartsAt_Seat",
                schema: "appointment",
                table: "Bookings");

            migrationBuilder.DropIndex(
                name: "IX_Bookings_IdempotencyKey",
                schema: "appointment",
                table: "Bookings");

            migrationBuilder.DropIndex(
                name: "IX_Bookings_Status_StartsAt",
                schema: "appointment",
                table: "Bookings");

            migrationBuilder.DropColumn(
                name: "ConsultantId",
                schema: "appointment",
                table: "Leads");

            migrationBuilder.DropColumn(
                name: "Source",
                schema: "appointment",
                table: "Leads");

            migrationBuilder.DropColumn(
                name: "ArrivedAt",
                schema: "appointment",
                table: "Bookings");

            migrationBuilder.DropColumn(
                name: "BookedBy",
                schema: "appointment",
                table: "Bookings");

            migrationBuilder.DropColumn(
                name: "CancelReason",
                schema: "appointment",
                table: "Bookings");

            migrationBuilder.DropColumn(
                name: "CancelledAt",
                schema: "appointment",
                table: "Bookings");

            migrationBuilder.DropColumn(
                name: "ConfirmationAnswer",
                schema: "appointment",
                table: "Bookings");

            migrationBuilder.DropColumn(
                name: "ConfirmedAt",
                schema: "appointment",
                table: "Bookings");

            migrationBuilder.DropColumn(
                name: "ConsultantId",
                schema: "appointment",
                table: "Bookings");

            migrationBuilder.DropColumn(
                name: "ConsultantSlot",
                schema: "appointment",
                table: "Bookings");

            migrationBuilder.DropColumn(
                name: "Directions",
                schema: "appointment",
                table: "Bookings");

            migrationBuilder.DropColumn(
                name: "IdempotencyKey",
                schema: "appointment",
                table: "Bookings");

            migrationBuilder.DropColumn(
                name: "Model",
                schema: "appointment",
                table: "Bookings");

            migrationBuilder.DropColumn(
                name: "Resource",
                schema: "appointment",
                table: "Bookings");

            migrationBuilder.DropColumn(
                name: "Seat",
                schema: "appointment",
                table: "Bookings");

            migrationBuilder.DropColumn(
                name: "Source",
                schema: "appointment",
                table: "Bookings");

            migrationBuilder.DropColumn(
                name: "UpdatedAt",
                schema: "appointment",
                table: "Bookings");

            migrationBuilder.DropColumn(
                name: "Version",
                schema: "appointment",
                table: "Bookings");
        }
    }
}
