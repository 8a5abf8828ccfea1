using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace Dealership.Notification.Migrations.Sqlite
{
    /// <inheritdoc />
    public partial class SmsTraceParent : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.AddColumn<string>(
                name: "TraceParent",
                table: "SmsMessages",
                type: "TEXT",
                maxLength: 100,
                nullable: true);
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropColumn(
                name: "TraceParent",
                table: "SmsMessages");
        }
    }
}
