using System;
using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace Dealership.LeadIntake.Migrations.Sqlite
{
    /// <inheritdoc />
    public partial class IntakeChannelsCustomersConsent : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropIndex(
                name: "IX_Leads_DealershipId_Source_ExternalId",
                table: "Leads");

            migrationBuilder.AddColumn<Guid>(
                name: "CustomerId",
                table: "Leads",
                type: "TEXT",
                nullable: true);

            migrationBuilder.AddColumn<string>(
                name: "SourceDetail",
                table: "Leads",
                type: "TEXT",
                maxLength: 200,
                nullable: true);

            migrationBuilder.AddColumn<bool>(
                name: "MergeOnPhone",
                table: "Dealerships",
                type: "INTEGER",
                nullable: false,
                defaultValue: true);

            migrationBuilder.AddColumn<int>(
                name: "MergeWindowDays",
                table: "Dealerships",
                type: "INTEGER",
                nullable: false,
                defaultValue: 90);

            migrationBuilder.AddColumn<string>(
                name: "PhoneRegion",
                table: "Dealerships",
                type: "TEXT",
                maxLength: 2,
                nullable: false,
                defaultValue: "CN");

            migrationBuilder.CreateTable(
                name: "Consents",
                columns: table => new
                {
                    Id = table.Column<Guid>(type: "TEXT", nullable: false),
                    DealershipId = table.Column<Guid>(type: "TEXT", nullable: false),
                    CustomerId = table.Column<Guid>(type: "TEXT", nullable: false),
                    Channel = table.Column<string>(type: "TEXT", maxLength: 20, nullable: false),
                    Granted = table.Column<bool>(type: "INTEGER", nullable: false),
                    Source = table.Column<string>(type: "TEXT", maxLength: 200, nullable: false),
                    LeadId = table.Column<Guid>(type: "TEXT", nullable: true),
                    At = table.Column<long>(type: "INTEGER", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_Consents", x => x.Id);
                });

            migrationBuilder.CreateTable(
                name: "Customers",
                columns: table => new
                {
                    Id = table.Column<Guid>(type: "TEXT", nullable: false),
                    DealershipId = table.Column<Guid>(type: "TEXT", nullable: false),
                    Phone = table.Column<string>(type: "TEXT", maxLength: 32, nullable: false),
                    Name = table.Column<string>(type: "TEXT", maxLength: 200, nullable: true),
                    OpenLeadId = table.Column<Guid>(type: "TEXT", nullable: true),
                    CreatedAt = table.Column<long>(type: "INTEGER", nullable: false),
                    Version = table.Column<int>(type: "INTEGER", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_Customers", x => x.Id);
                });

            migrationBuilder.CreateTable(
                name: "Enquiries",
                columns: table => new
                {
                    Id = table.Column<Guid>(type: "TEXT", nullable: false),
                    LeadId = table.Column<Guid>(type: "TEXT", nullable: false),
                    DealershipId = table.Column<Guid>(type: "TEXT", nullable: false),
                    Source = table.Column<string>(type: "TEXT", maxLength: 40, nullable: false),
                    ExternalId = table.Column<string>(type: "TEXT", maxLength: 100, nullable: false),
                    SourceDetail = table.Column<string>(type: "TEXT", maxLength: 200, nullable: true),
                    VehicleOfInterest = table.Column<string>(type: "TEXT", maxLength: 200, nullable: true),
                    Note = table.Column<string>(type: "TEXT", maxLength: 1000, nullable: true),
                    SubmittedBy = table.Column<string>(type: "TEXT", maxLength: 200, nullable: false),
                    ReceivedAt = table.Column<long>(type: "INTEGER", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_Enquiries", x => x.Id);
                });

            migrationBuilder.CreateTable(
                name: "ImportJobs",
                columns: table => new
                {
                    Id = table.Column<Guid>(type: "TEXT", nullable: false),
                    DealershipId = table.Column<Guid>(type: "TEXT", nullable: false),
                    DealershipCode = table.Column<string>(type: "TEXT", maxLength: 32, nullable: false),
                    Source = table.Column<string>(type: "TEXT", maxLength: 40, nullable: false),
                    Campaign = table.Column<string>(type: "TEXT", maxLength: 200, nullable: true),
                    FileName = table.Column<string>(type: "TEXT", maxLength: 260, nullable: true),
                    Encoding = table.Column<string>(type: "TEXT", maxLength: 20, nullable: false),
                    Status = table.Column<string>(type: "TEXT", maxLength: 20, nullable: false),
                    Rows = table.Column<int>(type: "INTEGER", nullable: false),
                    Imported = table.Column<int>(type: "INTEGER", nullable: false),
                    Merged = table.Column<int>(type: "INTEGER", nullable: false),
                    Duplicates = table.Column<int>(type: "INTEGER", nullable: false),
                    Rejected = table.Column<int>(type: "INTEGER", nullable: false),
                    Error = table.Column<string>(type: "TEXT", maxLength: 1000, nullable: true),
                    SubmittedBy = table.Column<string>(type: "TEXT", maxLength: 200, nullable: false),
                    StartedAt = table.Column<long>(type: "INTEGER", nullable: false),
                    FinishedAt = table.Column<long>(type: "INTEGER", nullable: true)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_ImportJobs", x => x.Id);
                });

            migrationBuilder.CreateTable(
                name: "ImportRows",
                columns: table => new
                {
                    Id = table.Column<Guid>(type: "TEXT", nullable: false),
                    ImportJobId = table.Column<Guid>(type: "TEXT", nullable: false),
                    RowNumber = table.Column<int>(type: "INTEGER", nullable: false),
                    Outcome = table.Column<string>(type: "TEXT", maxLength: 20, nullable: false),
                    LeadId = table.Column<Guid>(type: "TEXT", nullable: true),
                    RejectionId = table.Column<Guid>(type: "TEXT", nullable: true),
                    Reasons = table.Column<string>(type: "TEXT", maxLength: 2000, nullable: true)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_ImportRows", x => x.Id);
                });

            migrationBuilder.CreateTable(
                name: "RejectedLeads",
                columns: table => new
                {
                    Id = table.Column<Guid>(type: "TEXT", nullable: false),
                    DealershipId = table.Column<Guid>(type: "TEXT", nullable: false),
                    DealershipCode = table.Column<string>(type: "TEXT", maxLength: 32, nullable: true),
                    Channel = table.Column<string>(type: "TEXT", maxLength: 40, nullable: false),
                    Source = table.Column<string>(type: "TEXT", maxLength: 40, nullable: true),
                    ExternalId = table.Column<string>(type: "TEXT", maxLength: 100, nullable: true),
                    Reasons = table.Column<string>(type: "TEXT", maxLength: 4000, nullable: false),
                    RawPayload = table.Column<string>(type: "TEXT", nullable: false),
                    SubmittedBy = table.Column<string>(type: "TEXT", maxLength: 200, nullable: false),
                    ReceivedAt = table.Column<long>(type: "INTEGER", nullable: false),
                    Status = table.Column<string>(type: "TEXT", maxLength: 20, nullable: false),
                    ResubmittedAsLeadId = table.Column<Guid>(type: "TEXT", nullable: true)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_RejectedLeads", x => x.Id);
                });

            migrationBuilder.CreateIndex(
                name: "IX_Leads_DealershipId_AssignedConsultantId",
                table: "Leads",
                columns: new[] { "DealershipId", "AssignedConsultantId" });

            migrationBuilder.CreateIndex(
                name: "IX_Leads_DealershipId_Stage",
                table: "Leads",
                columns: new[] { "DealershipId", "Stage" });

            migrationBuilder.CreateIndex(
                name: "IX_Consents_CustomerId_Channel_At",
                table: "Consents",
                columns: new[] { "CustomerId", "Channel", "At" });

            migrationBuilder.CreateIndex(
                name: "IX_Customers_DealershipId_Phone",
                table: "Customers",
                columns: new[] { "DealershipId", "Phone" },
                unique: true);

            migrationBuilder.CreateIndex(
                name: "IX_Enquiries_DealershipId_Source_ExternalId",
                table: "Enquiries",
                columns: new[] { "DealershipId", "Source", "ExternalId" },
                unique: true);

            migrationBuilder.CreateIndex(
                name: "IX_Enquiries_LeadId",
                table: "Enquiries",
                column: "LeadId");

            migrationBuilder.CreateIndex(
                name: "IX_ImportRows_ImportJobId_RowNumber",
                table: "ImportRows",
                columns: new[] { "ImportJobId", "RowNumber" });

            migrationBuilder.CreateIndex(
                name: "IX_RejectedLeads_DealershipId_Status_ReceivedAt",
                table: "RejectedLeads",
                columns: new[] { "DealershipId", "Status", "ReceivedAt" });

            // Leads taken in before enquiries were recorded are still recognised when they are sent again.
            migrationBuilder.Sql("INSERT INTO \"Enquiries\" (Id, LeadId, DealershipId, Source, ExternalId, SourceDetail, VehicleOfInterest, SubmittedBy, ReceivedAt) SELECT Id, Id, DealershipId, Source, ExternalId, SourceDetail, VehicleOfInterest, 'before enquiries were recorded', CreatedAt FROM \"Leads\"");
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropTable(
                name: "Consents");

            migrationBuilder.DropTable(
                name: "Customers");

            migrationBuilder.DropTable(
                name: "Enquiries");

            migrationBuilder.DropTable(
                name: "ImportJobs");

            migrationBuilder.DropTable(
                name: "ImportRows");

            migrationBuilder.DropTable(
                name: "RejectedLeads");

            migrationBuilder.DropIndex(
                name: "IX_Leads_DealershipId_AssignedConsultantId",
                table: "Leads");

            migrationBuilder.DropIndex(
                name: "IX_Leads_DealershipId_Stage",
                table: "Leads");

            migrationBuilder.DropColumn(
                name: "CustomerId",
                table: "Leads");

            migrationBuilder.DropColumn(
                name: "SourceDetail",
                table: "Leads");

            migrationBuilder.DropColumn(
                name: "MergeOnPhone",
                table: "Dealerships");

            migrationBuilder.DropColumn(
                name: "MergeWindowDays",
                table: "Dealerships");

            migrationBuilder.DropColumn(
                name: "PhoneRegion",
                table: "Dealerships");

            migrationBuilder.CreateIndex(
                name: "IX_Leads_DealershipId_Source_ExternalId",
                table: "Leads",
                columns: new[] { "DealershipId", "Source", "ExternalId" },
                unique: true);
        }
    }
}
