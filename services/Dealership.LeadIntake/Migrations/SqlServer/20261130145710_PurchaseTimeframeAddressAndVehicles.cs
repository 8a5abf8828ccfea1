using System;
using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace Dealership.LeadIntake.Migrations.SqlServer
{
    /// <inheritdoc />
    public partial class PurchaseTimeframeAddressAndVehicles : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.AddColumn<string>(
                name: "Address_City",
                schema: "leads",
                table: "Leads",
                type: "nvarchar(200)",
                maxLength: 200,
                nullable: true);

            migrationBuilder.AddColumn<string>(
                name: "Address_Country",
                schema: "leads",
                table: "Leads",
                type: "nvarchar(200)",
                maxLength: 200,
                nullable: true);

            migrationBuilder.AddColumn<string>(
                name: "Address_PostalCode",
                schema: "leads",
                table: "Leads",
                type: "nvarchar(200)",
                maxLength: 200,
                nullable: true);

            migrationBuilder.AddColumn<string>(
                name: "Address_Region",
                schema: "leads",
                table: "Leads",
                type: "nvarchar(200)",
                maxLength: 200,
                nullable: true);

            migrationBuilder.AddColumn<string>(
                name: "Address_Street",
                schema: "leads",
                table: "Leads",
                type: "nvarchar(500)",
                maxLength: 500,
                nullable: true);

            migrationBuilder.AddColumn<string>(
                name: "PreferredContact",
                schema: "leads",
                table: "Leads",
                type: "nvarchar(40)",
                maxLength: 40,
                nullable: true);

            migrationBuilder.AddColumn<string>(
                name: "PreferredContactTime",
                schema: "leads",
                table: "Leads",
                type: "nvarchar(40)",
                maxLength: 40,
                nullable: true);

            migrationBuilder.AddColumn<string>(
                name: "Timeframe_Description",
                schema: "leads",
                table: "Leads",
                type: "nvarchar(200)",
                maxLength: 200,
                nullable: true);

            migrationBuilder.AddColumn<DateOnly>(
                name: "Timeframe_EarliestDate",
                schema: "leads",
                table: "Leads",
                type: "date",
                nullable: true);

            migrationBuilder.AddColumn<DateOnly>(
                name: "Timeframe_LatestDate",
                schema: "leads",
                table: "Leads",
                type: "date",
                nullable: true);

            migrationBuilder.AddColumn<string>(
                name: "Timeframe_Description",
                schema: "leads",
                table: "Enquiries",
                type: "nvarchar(200)",
                maxLength: 200,
                nullable: true);

            migrationBuilder.AddColumn<DateOnly>(
                name: "Timeframe_EarliestDate",
                schema: "leads",
                table: "Enquiries",
                type: "date",
                nullable: true);

            migrationBuilder.AddColumn<DateOnly>(
                name: "Timeframe_LatestDate",
                schema: "leads",
                table: "Enquiries",
                type: "date",
                nullable: true);

            migrationBuilder.CreateTable(
                name: "EnquiryVehicles",
                schema: "leads",
                columns: table => new
                {
                    Position = table.Column<int>(type: "int", nullable: false),
                    EnquiryId = table.Column<Guid>(type: "uniqueidentifier", nullable: false),
                    Interest = table.Column<string>(type: "nvarchar(40)", maxLength: 40, nullable: false),
                    Status = table.Column<string>(type: "nvarchar(40)", maxLength: 40, nullable: true),
                    Year = table.Column<int>(type: "int", nullable: true),
                    Make = table.Column<string>(type: "nvarchar(200)", maxLength: 200, nullable: true),
                    Model = table.Column<string>(type: "nvarchar(200)", maxLength: 200, nullable: true),
                    Trim = table.Column<string>(type: "nvarchar(200)", maxLength: 200, nullable: true),
                    Vin = table.Column<string>(type: "nvarchar(40)", maxLength: 40, nullable: true),
                    Odometer = table.Column<int>(type: "int", nullable: true),
                    OdometerUnits = table.Column<string>(type: "nvarchar(40)", maxLength: 40, nullable: true),
                    Condition = table.Column<string>(type: "nvarchar(200)", maxLength: 200, nullable: true),
                    Comments = table.Column<string>(type: "nvarchar(1000)", maxLength: 1000, nullable: true)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_EnquiryVehicles", x => new { x.EnquiryId, x.Position });
                    table.ForeignKey(
                        name: "FK_EnquiryVehicles_Enquiries_EnquiryId",
                        column: x => x.EnquiryId,
                        principalSchema: "leads",
                        principalTable: "Enquiries",
                        principalColumn: "Id",
                        onDelete: ReferentialAction.Cascade);
                });
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropTable(
                name: "EnquiryVehicles",
                schema: "leads");

            migrationBuilder.DropColumn(
                name: "Address_City",
                schema: "leads",
                table: "Leads");

            migrationBuilder.DropColumn(
                name: "Address_Country",
                schema: "leads",
                table: "Leads");

            migrationBuilder.DropColumn(
                name: "Address_PostalCode",
                schema: "leads",
                table: "Leads");

            migrationBuilder.DropColumn(
                name: "Address_Region",
                schema: "leads",
                table: "Leads");

            migrationBuilder.DropColumn(
                name: "Address_Street",
                schema: "leads",
                table: "Leads");

            migrationBuilder.DropColumn(
                name: "PreferredContact",
                schema: "leads",
                table: "Leads");

            migrationBuilder.DropColumn(
                name: "PreferredContactTime",
                schema: "leads",
                table: "Leads");

            migrationBuilder.DropColumn(
                name: "Timeframe_Description",
                schema: "leads",
                table: "Leads");

            migrationBuilder.DropColumn(
                name: "Timeframe_EarliestDate",
                schema: "leads",
                table: "Leads");

            migrationBuilder.DropColumn(
                name: "Timeframe_LatestDate",
                schema: "leads",
                table: "Leads");

            migrationBuilder.DropColumn(
                name: "Timeframe_Description",
                schema: "leads",
                table: "Enquiries");

            migrationBuilder.DropColumn(
                name: "Timeframe_EarliestDate",
                schema: "leads",
                table: "Enquiries");

            migrationBuilder.DropColumn(
                name: "Timeframe_LatestDate",
                schema: "leads",
                table: "Enquiries");
        }
    }
}
