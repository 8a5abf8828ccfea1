using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace Dealership.InvitationWorkflow.Migrations.SqlServer
{
    /// <inheritdoc />
    public partial class RoleTasksAndStepOutcomes : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.AddColumn<bool>(
                name: "AsksPurpose",
                schema: "workflow",
                table: "ConsultantTasks",
                type: "bit",
                nullable: false,
                defaultValue: false);

            migrationBuilder.AddColumn<string>(
                name: "Outcomes",
                schema: "workflow",
                table: "ConsultantTasks",
                type: "nvarchar(300)",
                maxLength: 300,
                nullable: true);

            migrationBuilder.AddColumn<string>(
                name: "Role",
                schema: "workflow",
                table: "ConsultantTasks",
                type: "nvarchar(60)",
                maxLength: 60,
                nullable: true);

            migrationBuilder.AddColumn<string>(
                name: "TitleEn",
                schema: "workflow",
                table: "ConsultantTasks",
                type: "nvarchar(300)",
                maxLength: 300,
                nullable: true);

            migrationBuilder.CreateIndex(
                name: "IX_ConsultantTasks_DealershipId_Role_CompletedAt_DueAt",
                schema: "workflow",
                table: "ConsultantTasks",
                columns: new[] { "DealershipId", "Role", "CompletedAt", "DueAt" });
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropIndex(
                name: "IX_ConsultantTasks_DealershipId_Role_CompletedAt_DueAt",
                schema: "workflow",
                table: "ConsultantTasks");

            migrationBuilder.DropColumn(
                name: "AsksPurpose",
                schema: "workflow",
                table: "ConsultantTasks");

            migrationBuilder.DropColumn(
                name: "Outcomes",
                schema: "workflow",
                table: "ConsultantTasks");

            migrationBuilder.DropColumn(
                name: "Role",
                schema: "workflow",
                table: "ConsultantTasks");

            migrationBuilder.DropColumn(
                name: "TitleEn",
                schema: "workflow",
                table: "ConsultantTasks");
        }
    }
}
