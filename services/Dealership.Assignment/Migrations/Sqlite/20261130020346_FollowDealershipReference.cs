using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace Dealership.Assignment.Migrations.Sqlite
{
    /// <inheritdoc />
    public partial class FollowDealershipReference : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.AddColumn<long>(
                name: "ReferenceVersion",
                table: "Settings",
                type: "INTEGER",
                nullable: false,
                defaultValue: 0L);
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropColumn(
                name: "ReferenceVersion",
                table: "Settings");
        }
    }
}
