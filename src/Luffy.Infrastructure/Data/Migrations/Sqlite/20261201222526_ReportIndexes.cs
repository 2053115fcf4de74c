using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace Luffy.Infrastructure.Data.Migrations.Sqlite
{
    /// <inheritdoc />
    public partial class ReportIndexes : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.CreateIndex(
                name: "IX_ly_order_created_at_pay_time",
                table: "ly_order",
                columns: new[] { "created_at", "pay_time" });

            migrationBuilder.CreateIndex(
                name: "IX_ly_order_pay_time",
                table: "ly_order",
                column: "pay_time");
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropIndex(
                name: "IX_ly_order_created_at_pay_time",
                table: "ly_order");

            migrationBuilder.DropIndex(
                name: "IX_ly_order_pay_time",
                table: "ly_order");
        }
    }
}
