using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace Dealership.LeadIntake.Migrations.SqlServer
{
    /// <inheritdoc />
    public partial class TimelineFacts : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.AddColumn<string>(
                name: "Facts",
                schema: "leads",
                table: "Timeline",
                type: "nvarchar(max)",
                nullable: true);
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropColumn(
                name: "Facts",
                schema: "leads",
                table: "Timeline");
        }
    }
}
