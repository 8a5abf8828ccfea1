using System;
using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace Dealership.InvitationWorkflow.Migrations.Sqlite
{
    /// <inheritdoc />
    public partial class ScopeWorkflowMessagesByDealership : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropIndex(
                name: "IX_WorkflowMessageSubscriptions_MessageName_CorrelationKey",
                table: "WorkflowMessageSubscriptions");

            migrationBuilder.DropIndex(
                name: "IX_BufferedWorkflowMessages_MessageName_CorrelationKey_ExpiresAt",
                table: "BufferedWorkflowMessages");

            migrationBuilder.AddColumn<Guid>(
                name: "DealershipId",
                table: "WorkflowMessageSubscriptions",
                type: "TEXT",
                nullable: true);

            // Open subscriptions take their instance's dealership, or the instances already waiting would never hear
            // their dealership's messages again. Buffered messages never said whose they were: they stay network-wide.
            migrationBuilder.Sql("""
                UPDATE "WorkflowMessageSubscriptions" SET "DealershipId" = (SELECT i."DealershipId" FROM "WorkflowInstances" AS i WHERE i."Id" = "WorkflowMessageSubscriptions"."InstanceId");
                """);

            migrationBuilder.AddColumn<Guid>(
                name: "DealershipId",
                table: "BufferedWorkflowMessages",
                type: "TEXT",
                nullable: true);

            migrationBuilder.CreateIndex(
                name: "IX_WorkflowMessageSubscriptions_MessageName_CorrelationKey_DealershipId",
                table: "WorkflowMessageSubscriptions",
                columns: new[] { "MessageName", "CorrelationKey", "DealershipId" });

            migrationBuilder.CreateIndex(
                name: "IX_BufferedWorkflowMessages_MessageName_CorrelationKey_DealershipId_ExpiresAt",
                table: "BufferedWorkflowMessages",
                columns: new[] { "MessageName", "CorrelationKey", "DealershipId", "ExpiresAt" });
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropIndex(
                name: "IX_WorkflowMessageSubscriptions_MessageName_CorrelationKey_DealershipId",
                table: "WorkflowMessageSubscriptions");

            migrationBuilder.DropIndex(
                name: "IX_BufferedWorkflowMessages_MessageName_CorrelationKey_DealershipId_ExpiresAt",
                table: "BufferedWorkflowMessages");

            migrationBuilder.DropColumn(
                name: "DealershipId",
                table: "WorkflowMessageSubscriptions");

            migrationBuilder.DropColumn(
                name: "DealershipId",
                table: "BufferedWorkflowMessages");

            migrationBuilder.CreateIndex(
                name: "IX_WorkflowMessageSubscriptions_MessageName_CorrelationKey",
                table: "WorkflowMessageSubscriptions",
                columns: new[] { "MessageName", "CorrelationKey" });

            migrationBuilder.CreateIndex(
                name: "IX_BufferedWorkflowMessages_MessageName_CorrelationKey_ExpiresAt",
                table: "BufferedWorkflowMessages",
                columns: new[] { "MessageName", "CorrelationKey", "ExpiresAt" });
        }
    }
}
