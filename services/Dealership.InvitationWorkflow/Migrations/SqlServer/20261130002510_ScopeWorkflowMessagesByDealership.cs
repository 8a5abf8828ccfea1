using System;
using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace Dealership.InvitationWorkflow.Migrations.SqlServer
{
    /// <inheritdoc />
    public partial class ScopeWorkflowMessagesByDealership : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropIndex(
                name: "IX_WorkflowMessageSubscriptions_MessageName_CorrelationKey",
                schema: "workflow",
                table: "WorkflowMessageSubscriptions");

            migrationBuilder.DropIndex(
                name: "IX_BufferedWorkflowMessages_MessageName_CorrelationKey_ExpiresAt",
                schema: "workflow",
                table: "BufferedWorkflowMessages");

            migrationBuilder.AddColumn<Guid>(
                name: "DealershipId",
                schema: "workflow",
                table: "WorkflowMessageSubscriptions",
                type: "uniqueidentifier",
                nullable: true);

            // Open subscriptions take their instance's dealership, or the instances already waiting would never hear
            // their dealership's messages again. Buffered messages never said whose they were: they stay network-wide.
            migrationBuilder.Sql("""
                UPDATE s SET s.[DealershipId] = i.[DealershipId] FROM [workflow].[WorkflowMessageSubscriptions] AS s INNER JOIN [workflow].[WorkflowInstances] AS i ON i.[Id] = s.[InstanceId];
                """);

            migrationBuilder.AddColumn<Guid>(
                name: "DealershipId",
                schema: "workflow",
                table: "BufferedWorkflowMessages",
                type: "uniqueidentifier",
                nullable: true);

            migrationBuilder.CreateIndex(
                name: "IX_WorkflowMessageSubscriptions_MessageName_CorrelationKey_DealershipId",
                schema: "workflow",
                table: "WorkflowMessageSubscriptions",
                columns: new[] { "MessageName", "CorrelationKey", "DealershipId" });

            migrationBuilder.CreateIndex(
                name: "IX_BufferedWorkflowMessages_MessageName_CorrelationKey_DealershipId_ExpiresAt",
                schema: "workflow",
                table: "BufferedWorkflowMessages",
                columns: new[] { "MessageName", "CorrelationKey", "DealershipId", "ExpiresAt" });
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropIndex(
                name: "IX_WorkflowMessageSubscriptions_MessageName_CorrelationKey_DealershipId",
                schema: "workflow",
                table: "WorkflowMessageSubscriptions");

            migrationBuilder.DropIndex(
                name: "IX_BufferedWorkflowMessages_MessageName_CorrelationKey_DealershipId_ExpiresAt",
                schema: "workflow",
                table: "BufferedWorkflowMessages");

            migrationBuilder.DropColumn(
                name: "DealershipId",
                schema: "workflow",
                table: "WorkflowMessageSubscriptions");

            migrationBuilder.DropColumn(
                name: "DealershipId",
                schema: "workflow",
                table: "BufferedWorkflowMessages");

            migrationBuilder.CreateIndex(
                name: "IX_WorkflowMessageSubscriptions_MessageName_CorrelationKey",
                schema: "workflow",
                table: "WorkflowMessageSubscriptions",
                columns: new[] { "MessageName", "CorrelationKey" });

            migrationBuilder.CreateIndex(
                name: "IX_BufferedWorkflowMessages_MessageName_CorrelationKey_ExpiresAt",
                schema: "workflow",
                table: "BufferedWorkflowMessages",
                columns: new[] { "MessageName", "CorrelationKey", "ExpiresAt" });
        }
    }
}
