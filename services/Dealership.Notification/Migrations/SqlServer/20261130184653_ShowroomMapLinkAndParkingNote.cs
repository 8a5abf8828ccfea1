using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace Dealership.Notification.Migrations.SqlServer
{
    /// <inheritdoc />
    public partial class ShowroomMapLinkAndParkingNote : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.AddColumn<string>(
                name: "ParkingNote",
                schema: "notification",
                table: "DealershipSettings",
                type: "nvarchar(200)",
                maxLength: 200,
                nullable: true);

            migrationBuilder.AddColumn<string>(
                name: "ShowroomMapLink",
                schema: "notification",
                table: "DealershipSettings",
                type: "nvarchar(500)",
                maxLength: 500,
                nullable: true);
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropColumn(
                name: "ParkingNote",
                schema: "notification",
                table: "DealershipSettings");

            migrationBuilder.DropColumn(
                name: "ShowroomMapLink",
                schema: "notification",
                table: "DealershipSettings");
        }
    }
}
