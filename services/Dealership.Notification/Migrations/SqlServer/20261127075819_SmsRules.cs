using System;
using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace Dealership.Notification.Migrations.SqlServer
{
    /// <inheritdoc />
    public partial class SmsRules : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.AddColumn<int>(
                name: "Attempts",
                schema: "notification",
                table: "SmsMessages",
                type: "int",
                nullable: false,
                defaultValue: 0);

            migrationBuilder.AddColumn<string>(
                name: "CarrierMessageId",
                schema: "notification",
                table: "SmsMessages",
                type: "nvarchar(100)",
                maxLength: 100,
                nullable: true);

            migrationBuilder.AddColumn<int>(
                name: "CostFen",
                schema: "notification",
                table: "SmsMessages",
                type: "int",
                nullable: false,
                defaultValue: 0);

            migrationBuilder.AddColumn<DateTimeOffset>(
                name: "DeliveredAt",
                schema: "notification",
                table: "SmsMessages",
                type: "datetimeoffset",
                nullable: true);

            migrationBuilder.AddColumn<string>(
                name: "Language",
                schema: "notification",
                table: "SmsMessages",
                type: "nvarchar(10)",
                maxLength: 10,
                nullable: false,
                defaultValue: "");

            migrationBuilder.AddColumn<string>(
                name: "LastError",
                schema: "notification",
                table: "SmsMessages",
                type: "nvarchar(300)",
                maxLength: 300,
                nullable: true);

            migrationBuilder.AddColumn<Guid>(
                name: "LockedBy",
                schema: "notification",
                table: "SmsMessages",
                type: "uniqueidentifier",
                nullable: true);

            migrationBuilder.AddColumn<DateTimeOffset>(
                name: "LockedUntil",
                schema: "notification",
                table: "SmsMessages",
                type: "datetimeoffset",
                nullable: true);

            migrationBuilder.AddColumn<string>(
                name: "Reason",
                schema: "notification",
                table: "SmsMessages",
                type: "nvarchar(300)",
                maxLength: 300,
                nullable: true);

            migrationBuilder.AddColumn<DateTimeOffset>(
                name: "SendAt",
                schema: "notification",
                table: "SmsMessages",
                type: "datetimeoffset",
                nullable: false,
                defaultValue: new DateTimeOffset(new DateTime(1, 1, 1, 0, 0, 0, 0, DateTimeKind.Unspecified), new TimeSpan(0, 0, 0, 0, 0)));

            migrationBuilder.AddColumn<DateTimeOffset>(
                name: "SentAt",
                schema: "notification",
                table: "SmsMessages",
                type: "datetimeoffset",
                nullable: true);

            migrationBuilder.CreateTable(
                name: "Consents",
                schema: "notification",
                columns: table => new
                {
                    DealershipId = table.Column<Guid>(type: "uniqueidentifier", nullable: false),
                    Phone = table.Column<string>(type: "nvarchar(32)", maxLength: 32, nullable: false),
                    Channel = table.Column<string>(type: "nvarchar(20)", maxLength: 20, nullable: false),
                    Granted = table.Column<bool>(type: "bit", nullable: false),
                    Source = table.Column<string>(type: "nvarchar(100)", maxLength: 100, nullable: false),
                    ChangedAt = table.Column<DateTimeOffset>(type: "datetimeoffset", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_Consents", x => new { x.DealershipId, x.Phone, x.Channel });
                });

            migrationBuilder.CreateTable(
                name: "DealershipSettings",
                schema: "notification",
                columns: table => new
                {
                    DealershipId = table.Column<Guid>(type: "uniqueidentifier", nullable: false),
                    DealershipCode = table.Column<string>(type: "nvarchar(32)", maxLength: 32, nullable: false),
                    TimeZone = table.Column<string>(type: "nvarchar(64)", maxLength: 64, nullable: false),
                    QuietHoursStart = table.Column<TimeOnly>(type: "time", nullable: false),
                    QuietHoursEnd = table.Column<TimeOnly>(type: "time", nullable: false),
                    WeeklyCap = table.Column<int>(type: "int", nullable: false),
                    DailySpendingCapFen = table.Column<int>(type: "int", nullable: false),
                    PricePerSegmentFen = table.Column<int>(type: "int", nullable: false),
                    Signature = table.Column<string>(type: "nvarchar(40)", maxLength: 40, nullable: false),
                    Language = table.Column<string>(type: "nvarchar(10)", maxLength: 10, nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_DealershipSettings", x => x.DealershipId);
                });

            migrationBuilder.CreateTable(
                name: "Templates",
                schema: "notification",
                columns: table => new
                {
                    Id = table.Column<Guid>(type: "uniqueidentifier", nullable: false),
                    DealershipId = table.Column<Guid>(type: "uniqueidentifier", nullable: false),
                    Purpose = table.Column<string>(type: "nvarchar(60)", maxLength: 60, nullable: false),
                    Language = table.Column<string>(type: "nvarchar(10)", maxLength: 10, nullable: false),
                    Body = table.Column<string>(type: "nvarchar(500)", maxLength: 500, nullable: false),
                    UpdatedAt = table.Column<DateTimeOffset>(type: "datetimeoffset", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_Templates", x => x.Id);
                });

            migrationBuilder.CreateIndex(
                name: "IX_SmsMessages_CarrierMessageId",
                schema: "notification",
                table: "SmsMessages",
                column: "CarrierMessageId");

            migrationBuilder.CreateIndex(
                name: "IX_SmsMessages_Phone_CreatedAt",
                schema: "notification",
                table: "SmsMessages",
                columns: new[] { "Phone", "CreatedAt" });

            migrationBuilder.CreateIndex(
                name: "IX_SmsMessages_Status_SendAt",
                schema: "notification",
                table: "SmsMessages",
                columns: new[] { "Status", "SendAt" });

            migrationBuilder.CreateIndex(
                name: "IX_DealershipSettings_DealershipCode",
                schema: "notification",
                table: "DealershipSettings",
                column: "DealershipCode");

            migrationBuilder.CreateIndex(
                name: "IX_Templates_DealershipId_Purpose_Language",
                schema: "notification",
                table: "Templates",
                columns: new[] { "DealershipId", "Purpose", "Language" },
                unique: true);
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropTable(
                name: "Consents",
                schema: "notification");

            migrationBuilder.DropTable(
                name: "DealershipSettings",
                schema: "notification");

            migrationBuilder.DropTable(
                name: "Templates",
                schema: "notification");

            migrationBuilder.DropIndex(
                name: "IX_SmsMessages_CarrierMessageId",
                schema: "notification",
                table: "SmsMessages");

            migrationBuilder.DropIndex(
                name: "IX_SmsMessages_Phone_CreatedAt",
                schema: "notification",
                table: "SmsMessages");

            migrationBuilder.DropIndex(
                name: "IX_SmsMessages_Status_SendAt",
                schema: "notification",
                table: "SmsMessages");

            migrationBuilder.DropColumn(
                name: "Attempts",
                schema: "notification",
                table: "SmsMessages");

            migrationBuilder.DropColumn(
                name: "CarrierMessageId",
                schema: "notification",
                table: "SmsMessages");

            migrationBuilder.DropColumn(
                name: "CostFen",
                schema: "notification",
                table: "SmsMessages");

            migrationBuilder.DropColumn(
                name: "DeliveredAt",
                schema: "notification",
                table: "SmsMessages");

            migrationBuilder.DropColumn(
                name: "Language",
                schema: "notification",
                table: "SmsMessages");

            migrationBuilder.DropColumn(
                name: "LastError",
                schema: "notification",
                table: "SmsMessages");

            migrationBuilder.DropColumn(
                name: "LockedBy",
                schema: "notification",
                table: "SmsMessages");

            migrationBuilder.DropColumn(
                name: "LockedUntil",
                schema: "notification",
                table: "SmsMessages");

            migrationBuilder.DropColumn(
                name: "Reason",
                schema: "notification",
                table: "SmsMessages");

            migrationBuilder.DropColumn(
                name: "SendAt",
                schema: "notification",
                table: "SmsMessages");

            migrationBuilder.DropColumn(
                name: "SentAt",
                schema: "notification",
                table: "SmsMessages");
        }
    }
}
