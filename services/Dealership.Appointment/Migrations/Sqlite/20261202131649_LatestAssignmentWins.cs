using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace Dealership.Appointment.Migrations.Sqlite
{
    /// <inheritdoc />
    public partial class LatestAssignmentWins : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.AddColumn<long>(
                name: "ConsultantSince",
                table: "Leads",
                type: "INTEGER",
                nullable: true);
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropColumn(
                name: "ConsultantSince",
                table: "Leads");
        }
    }
}
