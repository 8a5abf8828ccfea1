using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace Dealership.InvitationWorkflow.Migrations.Sqlite
{
    /// <inheritdoc />
    public partial class RoleTasksAndStepOutcomes : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.AddColumn<bool>(
                name: "AsksPurpose",
                table: "ConsultantTasks",
                type: "INTEGER",
                nullable: false,
                defaultValue: false);

            migrationBuilder.AddColumn<string>(
                name: "Outcomes",
                table: "ConsultantTasks",
                type: "TEXT",
                maxLength: 300,
                nullable: true);

            migrationBuilder.AddColumn<string>(
                name: "Role",
                table: "ConsultantTasks",
                type: "TEXT",
                maxLength: 60,
                nullable: true);

            migrationBuilder.AddColumn<string>(
                name: "TitleEn",
                table: "ConsultantTasks",
                type: "TEXT",
                maxLength: 300,
                nullable: true);

            migrationBuilder.CreateIndex(
                name: "IX_ConsultantTasks_DealershipId_Role_CompletedAt_DueAt",
                table: "ConsultantTasks",
                columns: new[] { "DealershipId", "Role", "CompletedAt", "DueAt" });
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropIndex(
                name: "IX_ConsultantTasks_DealershipId_Role_CompletedAt_DueAt",
                table: "ConsultantTasks");

            migrationBuilder.DropColumn(
                name: "AsksPurpose",
                table: "ConsultantTasks");

            migrationBuilder.DropColumn(
                name: "Outcomes",
                table: "ConsultantTasks");

            migrationBuilder.DropColumn(
                name: "Role",
                table: "ConsultantTasks");

            migrationBuilder.DropColumn(
                name: "TitleEn",
                table: "ConsultantTasks");
        }
    }
}
