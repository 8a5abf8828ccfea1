using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace Dealership.InvitationWorkflow.Migrations.SqlServer
{
    /// <inheritdoc />
    public partial class ChineseTaskGuidance : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.AddColumn<string>(
                name: "OfferZh",
                schema: "workflow",
                table: "ConsultantTasks",
                type: "nvarchar(1000)",
                maxLength: 1000,
                nullable: true);

            migrationBuilder.AddColumn<string>(
                name: "StepsZh",
                schema: "workflow",
                table: "ConsultantTasks",
                type: "nvarchar(2000)",
                maxLength: 2000,
                nullable: true);

            migrationBuilder.AddColumn<string>(
                name: "WhyZh",
                schema: "workflow",
                table: "ConsultantTasks",
                type: "nvarchar(1000)",
                maxLength: 1000,
                nullable: true);
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropColumn(
                name: "OfferZh",
                schema: "workflow",
                table: "ConsultantTasks");

            migrationBuilder.DropColumn(
                name: "StepsZh",
                schema: "workflow",
                table: "ConsultantTasks");

            migrationBuilder.DropColumn(
                name: "WhyZh",
                schema: "workflow",
                table: "ConsultantTasks");
        }
    }
}
