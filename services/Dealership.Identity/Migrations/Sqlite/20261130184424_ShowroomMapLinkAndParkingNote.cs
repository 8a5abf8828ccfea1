using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace Dealership.Identity.Migrations.Sqlite
{
    /// <inheritdoc />
    public partial class ShowroomMapLinkAndParkingNote : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.AddColumn<string>(
                name: "ParkingNote",
                table: "Dealerships",
                type: "TEXT",
                maxLength: 200,
                nullable: true);

            migrationBuilder.AddColumn<string>(
                name: "ShowroomMapLink",
                table: "Dealerships",
                type: "TEXT",
                maxLength: 500,
                nullable: true);
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropColumn(
                name: "ParkingNote",
                table: "Dealerships");

            migrationBuilder.DropColumn(
                name: "ShowroomMapLink",
                table: "Dealerships");
        }
    }
}
