using System;
using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace Dealership.Notification.Migrations.Sqlite
{
    /// <inheritdoc />
    public partial class SmsRules : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.AddColumn<int>(
                name: "Attempts",
                table: "SmsMessages",
                type: "INTEGER",
                nullable: false,
                defaultValue: 0);

            migrationBuilder.AddColumn<string>(
                name: "CarrierMessageId",
                table: "SmsMessages",
                type: "TEXT",
                maxLength: 100,
                nullable: true);

            migrationBuilder.AddColumn<int>(
                name: "CostFen",
                table: "SmsMessages",
                type: "INTEGER",
                nullable: false,
                defaultValue: 0);

            migrationBuilder.AddColumn<long>(
                name: "DeliveredAt",
                table: "SmsMessages",
                type: "INTEGER",
                nullable: true);

            migrationBuilder.AddColumn<string>(
                name: "Language",
                table: "SmsMessages",
                type: "TEXT",
                maxLength: 10,
                nullable: false,
                defaultValue: "");

            migrationBuilder.AddColumn<string>(
                name: "LastError",
                table: "SmsMessages",
                type: "TEXT",
                maxLength: 300,
                nullable: true);

            migrationBuilder.AddColumn<Guid>(
                name: "LockedBy",
                table: "SmsMessages",
                type: "TEXT",
                nullable: true);

            migrationBuilder.AddColumn<long>(
                name: "LockedUntil",
                table: "SmsMessages",
                type: "INTEGER",
                nullable: true);

            migrationBuilder.AddColumn<string>(
                name: "Reason",
                table: "SmsMessages",
                type: "TEXT",
                maxLength: 300,
                nullable: true);

            migrationBuilder.AddColumn<long>(
                name: "SendAt",
                table: "SmsMessages",
                type: "INTEGER",
                nullable: false,
                defaultValue: 0L);

            migrationBuilder.AddColumn<long>(
                name: "SentAt",
                table: "SmsMessages",
                type: "INTEGER",
                nullable: true);

            migrationBuilder.CreateTable(
                name: "Consents",
                columns: table => new
                {
                    DealershipId = table.Column<Guid>(type: "TEXT", nullable: false),
                    Phone = table.Column<string>(type: "TEXT", maxLength: 32, nullable: false),
                    Channel = table.Column<string>(type: "TEXT", maxLength: 20, nullable: false),
                    Granted = table.Column<bool>(type: "INTEGER", nullable: false),
                    Source = table.Column<string>(type: "TEXT", maxLength: 100, nullable: false),
                    ChangedAt = table.Column<long>(type: "INTEGER", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_Consents", x => new { x.DealershipId, x.Phone, x.Channel });
                });

            migrationBuilder.CreateTable(
                name: "DealershipSettings",
                columns: table => new
                {
                    DealershipId = table.Column<Guid>(type: "TEXT", nullable: false),
                    DealershipCode = table.Column<string>(type: "TEXT", maxLength: 32, nullable: false),
                    TimeZone = table.Column<string>(type: "TEXT", maxLength: 64, nullable: false),
                    QuietHoursStart = table.Column<TimeOnly>(type: "TEXT", nullable: false),
                    QuietHoursEnd = table.Column<TimeOnly>(type: "TEXT", nullable: false),
                    WeeklyCap = table.Column<int>(type: "INTEGER", nullable: false),
                    DailySpendingCapFen = table.Column<int>(type: "INTEGER", nullable: false),
                    PricePerSegmentFen = table.Column<int>(type: "INTEGER", nullable: false),
                    Signature = table.Column<string>(type: "TEXT", maxLength: 40, nullable: false),
                    Language = table.Column<string>(type: "TEXT", maxLength: 10, nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_DealershipSettings", x => x.DealershipId);
                });

            migrationBuilder.CreateTable(
                name: "Templates",
                columns: table => new
                {
                    Id = table.Column<Guid>(type: "TEXT", nullable: false),
                    DealershipId = table.Column<Guid>(type: "TEXT", nullable: false),
                    Purpose = table.Column<string>(type: "TEXT", maxLength: 60, nullable: false),
                    Language = table.Column<string>(type: "TEXT", maxLength: 10, nullable: false),
                    Body = table.Column<string>(type: "TEXT", maxLength: 500, nullable: false),
                    UpdatedAt = table.Column<long>(type: "INTEGER", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_Templates", x => x.Id);
                });

            migrationBuilder.CreateIndex(
                name: "IX_SmsMessages_CarrierMessageId",
                table: "SmsMessages",
                column: "CarrierMessageId");

            migrationBuilder.CreateIndex(
                name: "IX_SmsMessages_Phone_CreatedAt",
                table: "SmsMessages",
                columns: new[] { "Phone", "CreatedAt" });

            migrationBuilder.CreateIndex(
                name: "IX_SmsMessages_Status_SendAt",
                table: "SmsMessages",
                columns: new[] { "Status", "SendAt" });

            migrationBuilder.CreateIndex(
                name: "IX_DealershipSettings_DealershipCode",
                table: "DealershipSettings",
                column: "DealershipCode");

            migrationBuilder.CreateIndex(
                name: "IX_Templates_DealershipId_Purpose_Language",
                table: "Templates",
                columns: new[] { "DealershipId", "Purpose", "Language" },
                unique: true);
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropTable(
                name: "Consents");

            migrationBuilder.DropTable(
                name: "DealershipSettings");

            migrationBuilder.DropTable(
                name: "Templates");

            migrationBuilder.DropIndex(
                name: "IX_SmsMessages_CarrierMessageId",
                table: "SmsMessages");

            migrationBuilder.DropIndex(
                name: "IX_SmsMessages_Phone_CreatedAt",
                table: "SmsMessages");

            migrationBuilder.DropIndex(
                name: "IX_SmsMessages_Status_SendAt",
                table: "SmsMessages");

            migrationBuilder.DropColumn(
                name: "Attempts",
                table: "SmsMessages");

            migrationBuilder.DropColumn(
                name: "CarrierMessageId",
                table: "SmsMessages");

            migrationBuilder.DropColumn(
                name: "CostFen",
                table: "SmsMessages");

            migrationBuilder.DropColumn(
                name: "DeliveredAt",
                table: "SmsMessages");

            migrationBuilder.DropColumn(
                name: "Language",
                table: "SmsMessages");

            migrationBuilder.DropColumn(
                name: "LastError",
                table: "SmsMessages");

            migrationBuilder.DropColumn(
                name: "LockedBy",
                table: "SmsMessages");

            migrationBuilder.DropColumn(
                name: "LockedUntil",
                table: "SmsMessages");

            migrationBuilder.DropColumn(
                name: "Reason",
                table: "SmsMessages");

            migrationBuilder.DropColumn(
                name: "SendAt",
                table: "SmsMessages");

            migrationBuilder.DropColumn(
                name: "SentAt",
                table: "SmsMessages");
        }
    }
}
