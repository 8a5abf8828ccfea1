using System;
using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace Dealership.InvitationWorkflow.Migrations.Sqlite
{
    /// <inheritdoc />
    public partial class WaitingAssignments : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.CreateTable(
                name: "WaitingAssignments",
                columns: table => new
                {
                    LeadId = table.Column<Guid>(type: "TEXT", nullable: false),
                    DealershipId = table.Column<Guid>(type: "TEXT", nullable: false),
                    ConsultantId = table.Column<Guid>(type: "TEXT", nullable: false),
                    ConsultantName = table.Column<string>(type: "TEXT", maxLength: 200, nullable: false),
                    ConsultantPhone = table.Column<string>(type: "TEXT", maxLength: 20, nullable: false),
                    AssignedAt = table.Column<long>(type: "INTEGER", nullable: false),
                    ReceivedAt = table.Column<long>(type: "INTEGER", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_WaitingAssignments", x => x.LeadId);
                });
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropTable(
                name: "WaitingAssignments");
        }
    }
}
