using System;
using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace Dealership.LeadIntake.Migrations.Sqlite
{
    /// <inheritdoc />
    public partial class PurchaseTimeframeAddressAndVehicles : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.AddColumn<string>(
                name: "Address_City",
                table: "Leads",
                type: "TEXT",
                maxLength: 200,
                nullable: true);

            migrationBuilder.AddColumn<string>(
                name: "Address_Country",
                table: "Leads",
                type: "TEXT",
                maxLength: 200,
                nullable: true);

            migrationBuilder.AddColumn<string>(
                name: "Address_PostalCode",
                table: "Leads",
                type: "TEXT",
                maxLength: 200,
                nullable: true);

            migrationBuilder.AddColumn<string>(
                name: "Address_Region",
                table: "Leads",
                type: "TEXT",
                maxLength: 200,
                nullable: true);

            migrationBuilder.AddColumn<string>(
                name: "Address_Street",
                table: "Leads",
                type: "TEXT",
                maxLength: 500,
                nullable: true);

            migrationBuilder.AddColumn<string>(
                name: "PreferredContact",
                table: "Leads",
                type: "TEXT",
                maxLength: 40,
                nullable: true);

            migrationBuilder.AddColumn<string>(
                name: "PreferredContactTime",
                table: "Leads",
                type: "TEXT",
                maxLength: 40,
                nullable: true);

            migrationBuilder.AddColumn<string>(
                name: "Timeframe_Description",
                table: "Leads",
                type: "TEXT",
                maxLength: 200,
                nullable: true);

            migrationBuilder.AddColumn<DateOnly>(
                name: "Timeframe_EarliestDate",
                table: "Leads",
                type: "TEXT",
                nullable: true);

            migrationBuilder.AddColumn<DateOnly>(
                name: "Timeframe_LatestDate",
                table: "Leads",
                type: "TEXT",
                nullable: true);

            migrationBuilder.AddColumn<string>(
                name: "Timeframe_Description",
                table: "Enquiries",
                type: "TEXT",
                maxLength: 200,
                nullable: true);

            migrationBuilder.AddColumn<DateOnly>(
                name: "Timeframe_EarliestDate",
                table: "Enquiries",
                type: "TEXT",
                nullable: true);

            migrationBuilder.AddColumn<DateOnly>(
                name: "Timeframe_LatestDate",
                table: "Enquiries",
                type: "TEXT",
                nullable: true);

            migrationBuilder.CreateTable(
                name: "EnquiryVehicles",
                columns: table => new
                {
                    Position = table.Column<int>(type: "INTEGER", nullable: false),
                    EnquiryId = table.Column<Guid>(type: "TEXT", nullable: false),
                    Interest = table.Column<string>(type: "TEXT", maxLength: 40, nullable: false),
                    Status = table.Column<string>(type: "TEXT", maxLength: 40, nullable: true),
                    Year = table.Column<int>(type: "INTEGER", nullable: true),
                    Make = table.Column<string>(type: "TEXT", maxLength: 200, nullable: true),
                    Model = table.Column<string>(type: "TEXT", maxLength: 200, nullable: true),
                    Trim = table.Column<string>(type: "TEXT", maxLength: 200, nullable: true),
                    Vin = table.Column<string>(type: "TEXT", maxLength: 40, nullable: true),
                    Odometer = table.Column<int>(type: "INTEGER", nullable: true),
                    OdometerUnits = table.Column<string>(type: "TEXT", maxLength: 40, nullable: true),
                    Condition = table.Column<string>(type: "TEXT", maxLength: 200, nullable: true),
                    Comments = table.Column<string>(type: "TEXT", maxLength: 1000, nullable: true)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_EnquiryVehicles", x => new { x.EnquiryId, x.Position });
                    table.ForeignKey(
                        name: "FK_EnquiryVehicles_Enquiries_EnquiryId",
                        column: x => x.EnquiryId,
                        principalTable: "Enquiries",
                        principalColumn: "Id",
                        onDelete: ReferentialAction.Cascade);
                });
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropTable(
                name: "EnquiryVehicles");

            migrationBuilder.DropColumn(
                name: "Address_City",
                table: "Leads");

            migrationBuilder.DropColumn(
                name: "Address_Country",
                table: "Leads");

            migrationBuilder.DropColumn(
                name: "Address_PostalCode",
                table: "Leads");

            migrationBuilder.DropColumn(
                name: "Address_Region",
                table: "Leads");

            migrationBuilder.DropColumn(
                name: "Address_Street",
                table: "Leads");

            migrationBuilder.DropColumn(
                name: "PreferredContact",
                table: "Leads");

            migrationBuilder.DropColumn(
                name: "PreferredContactTime",
                table: "Leads");

            migrationBuilder.DropColumn(
                name: "Timeframe_Description",
                table: "Leads");

            migrationBuilder.DropColumn(
                name: "Timeframe_EarliestDate",
                table: "Leads");

            migrationBuilder.DropColumn(
                name: "Timeframe_LatestDate",
                table: "Leads");

            migrationBuilder.DropColumn(
                name: "Timeframe_Description",
                table: "Enquiries");

            migrationBuilder.DropColumn(
                name: "Timeframe_EarliestDate",
                table: "Enquiries");

            migrationBuilder.DropColumn(
                name: "Timeframe_LatestDate",
                table: "Enquiries");
        }
    }
}
