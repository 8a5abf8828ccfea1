using System;
using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace Dealership.Notification.Migrations.Sqlite
{
    /// <inheritdoc />
    public partial class StaleSmsAndShowroomWords : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.AddColumn<Guid>(
                name: "AppointmentId",
                table: "SmsMessages",
                type: "TEXT",
                nullable: true);

            migrationBuilder.AddColumn<long>(
                name: "VisitAt",
                table: "SmsMessages",
                type: "INTEGER",
                nullable: true);

            migrationBuilder.AddColumn<string>(
                name: "NameEn",
                table: "DealershipSettings",
                type: "TEXT",
                maxLength: 200,
                nullable: true);

            migrationBuilder.AddColumn<string>(
                name: "NameZh",
                table: "DealershipSettings",
                type: "TEXT",
                maxLength: 200,
                nullable: true);

            migrationBuilder.AddColumn<string>(
                name: "ShowroomAddress",
                table: "DealershipSettings",
                type: "TEXT",
                maxLength: 500,
                nullable: true);

            migrationBuilder.AddColumn<string>(
                name: "CloseReason",
                table: "Contacts",
                type: "TEXT",
                maxLength: 100,
                nullable: true);

            migrationBuilder.AddColumn<long>(
                name: "ClosedAt",
                table: "Contacts",
                type: "INTEGER",
                nullable: true);

            migrationBuilder.AddColumn<bool>(
                name: "ClosedWon",
                table: "Contacts",
                type: "INTEGER",
                nullable: false,
                defaultValue: false);

            migrationBuilder.CreateTable(
                name: "Visits",
                columns: table => new
                {
                    AppointmentId = table.Column<Guid>(type: "TEXT", nullable: false),
                    LeadId = table.Column<Guid>(type: "TEXT", nullable: false),
                    DealershipId = table.Column<Guid>(type: "TEXT", nullable: false),
                    StartsAt = table.Column<long>(type: "INTEGER", nullable: false),
                    State = table.Column<string>(type: "TEXT", maxLength: 20, nullable: false),
                    ChangedAt = table.Column<long>(type: "INTEGER", nullable: false)
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
                name: "Visits");

            migrationBuilder.DropColumn(
                name: "AppointmentId",
                table: "SmsMessages");

            migrationBuilder.DropColumn(
                name: "VisitAt",
                table: "SmsMessages");

            migrationBuilder.DropColumn(
                name: "NameEn",
                table: "DealershipSettings");

            migrationBuilder.DropColumn(
                name: "NameZh",
                table: "DealershipSettings");

            migrationBuilder.DropColumn(
                name: "ShowroomAddress",
                table: "DealershipSettings");

            migrationBuilder.DropColumn(
                name: "CloseReason",
                table: "Contacts");

            migrationBuilder.DropColumn(
                name: "ClosedAt",
                table: "Contacts");

            migrationBuilder.DropColumn(
                name: "ClosedWon",
                table: "Contacts");
        }
    }
}
