using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace Dealership.InvitationWorkflow.Migrations.Sqlite
{
    /// <inheritdoc />
    public partial class DefaultFlowsFollowTheRelease : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.AddColumn<string>(
                name: "PublishedBy",
                table: "WorkflowDefinitions",
                type: "TEXT",
                maxLength: 200,
                nullable: true);

            // Every network version 1 so far was loaded from the release: marked so, a changed default of a later release
            // follows it, while a version operations staff published stays theirs.
            migrationBuilder.Sql("UPDATE \"WorkflowDefinitions\" SET \"PublishedBy\" = 'release' WHERE \"Version\" = 1 AND \"DealershipId\" IS NULL");
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropColumn(
                name: "PublishedBy",
                table: "WorkflowDefinitions");
        }
    }
}
