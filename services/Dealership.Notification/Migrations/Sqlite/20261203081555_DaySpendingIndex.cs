using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace Dealership.Notification.Migrations.Sqlite
{
    /// <inheritdoc />
    public partial class DaySpendingIndex : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.CreateIndex(
                name: "IX_SmsMessages_DealershipId_SentAt_CostFen",
                table: "SmsMessages",
                columns: new[] { "DealershipId", "SentAt", "CostFen" });
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropIndex(
                name: "IX_SmsMessages_DealershipId_SentAt_CostFen",
                table: "SmsMessages");
        }
    }
}
