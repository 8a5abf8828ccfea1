using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace Dealership.LeadIntake.Migrations.Sqlite
{
    /// <inheritdoc />
    public partial class TimelineFacts : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.AddColumn<string>(
                name: "Facts",
                table: "Timeline",
                type: "TEXT",
                nullable: true);
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropColumn(
                name: "Facts",
                table: "Timeline");
        }
    }
}
