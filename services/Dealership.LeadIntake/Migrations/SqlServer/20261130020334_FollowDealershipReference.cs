using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace Dealership.LeadIntake.Migrations.SqlServer
{
    /// <inheritdoc />
    public partial class FollowDealershipReference : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.AddColumn<bool>(
                name: "Active",
                schema: "leads",
                table: "Dealerships",
                type: "bit",
                nullable: false,
                defaultValue: true);

            migrationBuilder.AddColumn<long>(
                name: "ReferenceVersion",
                schema: "leads",
                table: "Dealerships",
                type: "bigint",
                nullable: false,
                defaultValue: 0L);
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropColumn(
                name: "Active",
                schema: "leads",
                table: "Dealerships");

            migrationBuilder.DropColumn(
                name: "ReferenceVersion",
                schema: "leads",
                table: "Dealerships");
        }
    }
}
