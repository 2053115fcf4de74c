using System;
using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace Luffy.Infrastructure.Data.Migrations.Sqlite
{
    /// <inheritdoc />
    public partial class Payments : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropIndex(
                name: "IX_ly_course_lesson_course_id",
                table: "ly_course_lesson");

            // SQLite (3.35+) drops a column that no index or key uses in place, inside the migration's transaction;
            // EF Core's DropColumn rebuilds the table instead, with PRAGMA foreign_keys off, which cannot run in a
            // transaction (EF Core warned of it at every first start).
            migrationBuilder.Sql("ALTER TABLE \"ly_course_lesson\" DROP COLUMN \"course_id\";");

            migrationBuilder.AddColumn<long>(
                name: "policy_price",
                table: "ly_order_detail",
                type: "INTEGER",
                nullable: false,
                defaultValue: 0L);

            migrationBuilder.AddColumn<DateTime>(
                name: "pay_url_issued_at",
                table: "ly_order",
                type: "TEXT",
                nullable: true);

            migrationBuilder.CreateTable(
                name: "ly_payment_notification",
                columns: table => new
                {
                    id = table.Column<long>(type: "INTEGER", nullable: false)
                        .Annotation("Sqlite:Autoincrement", true),
                    out_trade_no = table.Column<string>(type: "TEXT", maxLength: 256, nullable: true),
                    trade_no = table.Column<string>(type: "TEXT", maxLength: 256, nullable: true),
                    trade_status = table.Column<string>(type: "TEXT", maxLength: 256, nullable: true),
                    verified = table.Column<bool>(type: "INTEGER", nullable: false),
                    outcome = table.Column<string>(type: "TEXT", maxLength: 512, nullable: false),
                    raw_form = table.Column<string>(type: "TEXT", maxLength: 8000, nullable: false),
                    received_at = table.Column<DateTime>(type: "TEXT", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_ly_payment_notification", x => x.id);
                });

            migrationBuilder.CreateIndex(
                name: "IX_ly_payment_notification_out_trade_no",
                table: "ly_payment_notification",
                column: "out_trade_no");
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropTable(
                name: "ly_payment_notification");

            migrationBuilder.DropColumn(
                name: "policy_price",
                table: "ly_order_detail");

            migrationBuilder.DropColumn(
                name: "pay_url_issued_at",
                table: "ly_order");

            migrationBuilder.AddColumn<int>(
                name: "course_id",
                table: "ly_course_lesson",
                type: "INTEGER",
                nullable: false,
                defaultValue: 0);

            migrationBuilder.CreateIndex(
                name: "IX_ly_course_lesson_course_id",
                table: "ly_course_lesson",
                column: "course_id");
        }
    }
}
