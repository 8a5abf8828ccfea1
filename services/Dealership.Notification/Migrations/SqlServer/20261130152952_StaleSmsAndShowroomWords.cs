using System;
using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace Dealership.Notification.Migrations.SqlServer
{
    /// <inheritdoc />
    public partial class StaleSmsAndShowroomWords : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.AddColumn<Guid>(
                name: "AppointmentId",
                schema: "notification",
                table: "SmsMessages",
                type: "uniqueidentifier",
                nullable: true);

            migrationBuilder.AddColumn<DateTimeOffset>(
                name: "VisitAt",
                schema: "notification",
                table: "SmsMessages",
                type: "datetimeoffset",
                nullable: true);

            migrationBuilder.AddColumn<string>(
                name: "NameEn",
                schema: "notification",
                table: "DealershipSettings",
                type: "nvarchar(200)",
                maxLength: 200,
                nullable: true);

            migrationBuilder.AddColumn<string>(
                name: "NameZh",
                schema: "notification",
                table: "DealershipSettings",
                type: "nvarchar(200)",
                maxLength: 200,
                nullable: true);

            migrationBuilder.AddColumn<string>(
                name: "ShowroomAddress",
                schema: "notification",
                table: "DealershipSettings",
                type: "nvarchar(500)",
                maxLength: 500,
                nullable: true);

            migrationBuilder.AddColumn<string>(
                name: "CloseReason",
                schema: "notification",
                table: "Contacts",
                type: "nvarchar(100)",
                maxLength: 100,
                nullable: true);

            migrationBuilder.AddColumn<DateTimeOffset>(
                name: "ClosedAt",
                schema: "notification",
                table: "Contacts",
                type: "datetimeoffset",
                nullable: true);

            migrationBuilder.AddColumn<bool>(
                name: "ClosedWon",
                schema: "notification",
                table: "Contacts",
                type: "bit",
                nullable: false,
                defaultValue: false);

            migrationBuilder.CreateTable(
                name: "Visits",
                schema: "notification",
                columns: table => new
                {
                    AppointmentId = table.Column<Guid>(type: "uniqueidentifier", nullable: false),
                    LeadId = table.Column<Guid>(type: "uniqueidentifier", nullable: false),
                    DealershipId = table.Column<Guid>(type: "uniqueidentifier", nullable: false),
                    StartsAt = table.Column<DateTimeOffset>(type: "datetimeoffset", nullable: false),
                    State = table.Column<string>(type: "nvarchar(20)", maxLength: 20, nullable: false),
                    ChangedAt = table.Column<DateTimeOffset>(type: "datetimeoffset", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_Visits", x => x.AppointmentId);
                });
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropTable(
                name: "Visits",
                schema: "notification");

            migrationBuilder.DropColumn(
                name: "AppointmentId",
                schema: "notification",
                table: "SmsMessages");

            migrationBuilder.DropColumn(
                name: "VisitAt",
                schema: "notification",
                table: "SmsMessages");

            migrationBuilder.DropColumn(
                name: "NameEn",
                schema: "notification",
                table: "DealershipSettings");

            migrationBuilder.DropColumn(
                name: "NameZh",
                schema: "notification",
                table: "DealershipSettings");

            migrationBuilder.DropColumn(
                name: "ShowroomAddress",
                schema: "notification",
                table: "DealershipSettings");

            migrationBuilder.DropColumn(
                name: "CloseReason",
                schema: "notification",
                table: "Contacts");

            migrationBuilder.DropColumn(
                name: "ClosedAt",
                schema: "notification",
                table: "Contacts");

            migrationBuilder.DropColumn(
                name: "ClosedWon",
                schema: "notification",
                table: "Contacts");
        }
    }
}
