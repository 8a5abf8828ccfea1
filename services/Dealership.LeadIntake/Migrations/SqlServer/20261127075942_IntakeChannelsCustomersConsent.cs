using System;
using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace Dealership.LeadIntake.Migrations.SqlServer
{
    /// <inheritdoc />
    public partial class IntakeChannelsCustomersConsent : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropIndex(
                name: "IX_Leads_DealershipId_Source_ExternalId",
                schema: "leads",
                table: "Leads");

            migrationBuilder.AlterColumn<string>(
                name: "DealershipCode",
                schema: "leads",
                table: "Leads",
                type: "nvarchar(32)",
                maxLength: 32,
                nullable: false,
                oldClrType: typeof(string),
                oldType: "nvarchar(max)");

            migrationBuilder.AddColumn<Guid>(
                name: "CustomerId",
                schema: "leads",
                table: "Leads",
                type: "uniqueidentifier",
                nullable: true);

            migrationBuilder.AddColumn<string>(
                name: "SourceDetail",
                schema: "leads",
                table: "Leads",
                type: "nvarchar(200)",
                maxLength: 200,
                nullable: true);

            migrationBuilder.AddColumn<bool>(
                name: "MergeOnPhone",
                schema: "leads",
                table: "Dealerships",
                type: "bit",
                nullable: false,
                defaultValue: true);

            migrationBuilder.AddColumn<int>(
                name: "MergeWindowDays",
                schema: "leads",
                table: "Dealerships",
                type: "int",
                nullable: false,
                defaultValue: 90);

            migrationBuilder.AddColumn<string>(
                name: "PhoneRegion",
                schema: "leads",
                table: "Dealerships",
                type: "nvarchar(2)",
                maxLength: 2,
                nullable: false,
                defaultValue: "CN");

            migrationBuilder.CreateTable(
                name: "Consents",
                schema: "leads",
                columns: table => new
                {
                    Id = table.Column<Guid>(type: "uniqueidentifier", nullable: false),
                    DealershipId = table.Column<Guid>(type: "uniqueidentifier", nullable: false),
                    CustomerId = table.Column<Guid>(type: "uniqueidentifier", nullable: false),
                    Channel = table.Column<string>(type: "nvarchar(20)", maxLength: 20, nullable: false),
                    Granted = table.Column<bool>(type: "bit", nullable: false),
                    Source = table.Column<string>(type: "nvarchar(200)", maxLength: 200, nullable: false),
                    LeadId = table.Column<Guid>(type: "uniqueidentifier", nullable: true),
                    At = table.Column<DateTimeOffset>(type: "datetimeoffset", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_Consents", x => x.Id);
                });

            migrationBuilder.CreateTable(
                name: "Customers",
                schema: "leads",
                columns: table => new
                {
                    Id = table.Column<Guid>(type: "uniqueidentifier", nullable: false),
                    DealershipId = table.Column<Guid>(type: "uniqueidentifier", nullable: false),
                    Phone = table.Column<string>(type: "nvarchar(32)", maxLength: 32, nullable: false),
                    Name = table.Column<string>(type: "nvarchar(200)", maxLength: 200, nullable: true),
                    OpenLeadId = table.Column<Guid>(type: "uniqueidentifier", nullable: true),
                    CreatedAt = table.Column<DateTimeOffset>(type: "datetimeoffset", nullable: false),
                    Version = table.Column<int>(type: "int", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_Customers", x => x.Id);
                });

            migrationBuilder.CreateTable(
                name: "Enquiries",
                schema: "leads",
                columns: table => new
                {
                    Id = table.Column<Guid>(type: "uniqueidentifier", nullable: false),
                    LeadId = table.Column<Guid>(type: "uniqueidentifier", nullable: false),
                    DealershipId = table.Column<Guid>(type: "uniqueidentifier", nullable: false),
                    Source = table.Column<string>(type: "nvarchar(40)", maxLength: 40, nullable: false),
                    ExternalId = table.Column<string>(type: "nvarchar(100)", maxLength: 100, nullable: false),
                    SourceDetail = table.Column<string>(type: "nvarchar(200)", maxLength: 200, nullable: true),
                    VehicleOfInterest = table.Column<string>(type: "nvarchar(200)", maxLength: 200, nullable: true),
                    Note = table.Column<string>(type: "nvarchar(1000)", maxLength: 1000, nullable: true),
                    SubmittedBy = table.Column<string>(type: "nvarchar(200)", maxLength: 200, nullable: false),
                    ReceivedAt = table.Column<DateTimeOffset>(type: "datetimeoffset", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_Enquiries", x => x.Id);
                });

            migrationBuilder.CreateTable(
                name: "ImportJobs",
                schema: "leads",
                columns: table => new
                {
                    Id = table.Column<Guid>(type: "uniqueidentifier", nullable: false),
                    DealershipId = table.Column<Guid>(type: "uniqueidentifier", nullable: false),
                    DealershipCode = table.Column<string>(type: "nvarchar(32)", maxLength: 32, nullable: false),
                    Source = table.Column<string>(type: "nvarchar(40)", maxLength: 40, nullable: false),
                    Campaign = table.Column<string>(type: "nvarchar(200)", maxLength: 200, nullable: true),
                    FileName = table.Column<string>(type: "nvarchar(260)", maxLength: 260, nullable: true),
                    Encoding = table.Column<string>(type: "nvarchar(20)", maxLength: 20, nullable: false),
                    Status = table.Column<string>(type: "nvarchar(20)", maxLength: 20, nullable: false),
                    Rows = table.Column<int>(type: "int", nullable: false),
                    Imported = table.Column<int>(type: "int", nullable: false),
                    Merged = table.Column<int>(type: "int", nullable: false),
                    Duplicates = table.Column<int>(type: "int", nullable: false),
                    Rejected = table.Column<int>(type: "int", nullable: false),
                    Error = table.Column<string>(type: "nvarchar(1000)", maxLength: 1000, nullable: true),
                    SubmittedBy = table.Column<string>(type: "nvarchar(200)", maxLength: 200, nullable: false),
                    StartedAt = table.Column<DateTimeOffset>(type: "datetimeoffset", nullable: false),
                    FinishedAt = table.Column<DateTimeOffset>(type: "datetimeoffset", nullable: true)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_ImportJobs", x => x.Id);
                });

            migrationBuilder.CreateTable(
                name: "ImportRows",
                schema: "leads",
                columns: table => new
                {
                    Id = table.Column<Guid>(type: "uniqueidentifier", nullable: false),
                    ImportJobId = table.Column<Guid>(type: "uniqueidentifier", nullable: false),
                    RowNumber = table.Column<int>(type: "int", nullable: false),
                    Outcome = table.Column<string>(type: "nvarchar(20)", maxLength: 20, nullable: false),
                    LeadId = table.Column<Guid>(type: "uniqueidentifier", nullable: true),
                    RejectionId = table.Column<Guid>(type: "uniqueidentifier", nullable: true),
                    Reasons = table.Column<string>(type: "nvarchar(2000)", maxLength: 2000, nullable: true)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_ImportRows", x => x.Id);
                });

            migrationBuilder.CreateTable(
                name: "RejectedLeads",
                schema: "leads",
                columns: table => new
                {
                    Id = table.Column<Guid>(type: "uniqueidentifier", nullable: false),
                    DealershipId = table.Column<Guid>(type: "uniqueidentifier", nullable: false),
                    DealershipCode = table.Column<string>(type: "nvarchar(32)", maxLength: 32, nullable: true),
                    Channel = table.Column<string>(type: "nvarchar(40)", maxLength: 40, nullable: false),
                    Source = table.Column<string>(type: "nvarchar(40)", maxLength: 40, nullable: true),
                    ExternalId = table.Column<string>(type: "nvarchar(100)", maxLength: 100, nullable: true),
                    Reasons = table.Column<string>(type: "nvarchar(4000)", maxLength: 4000, nullable: false),
                    RawPayload = table.Column<string>(type: "nvarchar(max)", nullable: false),
                    SubmittedBy = table.Column<string>(type: "nvarchar(200)", maxLength: 200, nullable: false),
                    ReceivedAt = table.Column<DateTimeOffset>(type: "datetimeoffset", nullable: false),
                    Status = table.Column<string>(type: "nvarchar(20)", maxLength: 20, nullable: false),
                    ResubmittedAsLeadId = table.Column<Guid>(type: "uniqueidentifier", nullable: true)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_RejectedLeads", x => x.Id);
                });

            migrationBuilder.CreateIndex(
                name: "IX_Leads_DealershipId_AssignedConsultantId",
                schema: "leads",
                table: "Leads",
                columns: new[] { "DealershipId", "AssignedConsultantId" });

            migrationBuilder.CreateIndex(
                name: "IX_Leads_DealershipId_Stage",
                schema: "leads",
                table: "Leads",
                columns: new[] { "DealershipId", "Stage" });

            migrationBuilder.CreateIndex(
                name: "IX_Consents_CustomerId_Channel_At",
                schema: "leads",
                table: "Consents",
                columns: new[] { "CustomerId", "Channel", "At" });

            migrationBuilder.CreateIndex(
                name: "IX_Customers_DealershipId_Phone",
                schema: "leads",
                table: "Customers",
                columns: new[] { "DealershipId", "Phone" },
                unique: true);

            migrationBuilder.CreateIndex(
                name: "IX_Enquiries_DealershipId_Source_ExternalId",
                schema: "leads",
                table: "Enquiries",
                columns: new[] { "DealershipId", "Source", "ExternalId" },
                unique: true);

            migrationBuilder.CreateIndex(
                name: "IX_Enquiries_LeadId",
                schema: "leads",
                table: "Enquiries",
                column: "LeadId");

            migrationBuilder.CreateIndex(
                name: "IX_ImportRows_ImportJobId_RowNumber",
                schema: "leads",
                table: "ImportRows",
                columns: new[] { "ImportJobId", "RowNumber" });

            migrationBuilder.CreateIndex(
                name: "IX_RejectedLeads_DealershipId_Status_ReceivedAt",
                schema: "leads",
                table: "RejectedLeads",
                columns: new[] { "DealershipId", "Status", "ReceivedAt" });

            // Leads taken in before enquiries were recorded are still recognised when they are sent again.
            migrationBuilder.Sql("INSERT INTO [leads].[Enquiries] (Id, LeadId, DealershipId, Source, ExternalId, SourceDetail, VehicleOfInterest, SubmittedBy, ReceivedAt) SELECT Id, Id, DealershipId, Source, ExternalId, SourceDetail, VehicleOfInterest, 'before enquiries were recorded', CreatedAt FROM [leads].[Leads]");
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropTable(
                name: "Consents",
                schema: "leads");

            migrationBuilder.DropTable(
                name: "Customers",
                schema: "leads");

            migrationBuilder.DropTable(
                name: "Enquiries",
                schema: "leads");

            migrationBuilder.DropTable(
                name: "ImportJobs",
                schema: "leads");

            migrationBuilder.DropTable(
                name: "ImportRows",
                schema: "leads");

            migrationBuilder.DropTable(
                name: "RejectedLeads",
                schema: "leads");

            migrationBuilder.DropIndex(
                name: "IX_Leads_DealershipId_AssignedConsultantId",
                schema: "leads",
                table: "Leads");

            migrationBuilder.DropIndex(
                name: "IX_Leads_DealershipId_Stage",
                schema: "leads",
                table: "Leads");

            migrationBuilder.DropColumn(
                name: "CustomerId",
                schema: "leads",
                table: "Leads");

            migrationBuilder.DropColumn(
                name: "SourceDetail",
                schema: "leads",
                table: "Leads");

            migrationBuilder.DropColumn(
                name: "MergeOnPhone",
                schema: "leads",
                table: "Dealerships");

            migrationBuilder.DropColumn(
                name: "MergeWindowDays",
                schema: "leads",
                table: "Dealerships");

            migrationBuilder.DropColumn(
                name: "PhoneRegion",
                schema: "leads",
                table: "Dealerships");

            migrationBuilder.AlterColumn<string>(
                name: "DealershipCode",
                schema: "leads",
                table: "Leads",
                type: "nvarchar(max)",
                nullable: false,
                oldClrType: typeof(string),
                oldType: "nvarchar(32)",
                oldMaxLength: 32);

            migrationBuilder.CreateIndex(
                name: "IX_Leads_DealershipId_Source_ExternalId",
                schema: "leads",
                table: "Leads",
                columns: new[] { "DealershipId", "Source", "ExternalId" },
                unique: true);
        }
    }
}
