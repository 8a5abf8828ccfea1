using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace Dealership.Identity.Migrations.SqlServer
{
    /// <inheritdoc />
    public partial class ShowroomMapLinkAndParkingNote : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.AddColumn<string>(
                name: "ParkingNote",
                schema: "identity",
                table: "Dealerships",
                type: "nvarchar(200)",
                maxLength: 200,
                nullable: true);

            migrationBuilder.AddColumn<string>(
                name: "ShowroomMapLink",
                schema: "identity",
                table: "Dealerships",
                type: "nvarchar(500)",
                maxLength: 500,
                nullable: true);
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropColumn(
                name: "ParkingNote",
                schema: "identity",
                table: "Dealerships");

            migrationBuilder.DropColumn(
                name: "ShowroomMapLink",
                schema: "identity",
                table: "Dealerships");
        }
    }
}
