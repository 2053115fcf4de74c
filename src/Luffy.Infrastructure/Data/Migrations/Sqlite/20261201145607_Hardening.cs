using System;
using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace Luffy.Infrastructure.Data.Migrations.Sqlite
{
    /// <inheritdoc />
    public partial class Hardening : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.AddColumn<bool>(
                name: "is_disabled",
                table: "ly_user",
                type: "INTEGER",
                nullable: false,
                defaultValue: false);

            migrationBuilder.AddColumn<string>(
                name: "normalized_username",
                table: "ly_user",
                type: "TEXT",
                maxLength: 32,
                nullable: false,
                defaultValue: "");

            // Existing names, as the app compares them (usernames are ASCII letters, digits and '_'). Names that differ
            // only in case keep their accounts: the oldest keeps the name, the others get one nobody can type ('#' and
            // the id) and sign in by mobile until an operator renames them.
            migrationBuilder.Sql("UPDATE ly_user SET normalized_username = lower(username);");
            migrationBuilder.Sql("""
                UPDATE ly_user SET normalized_username = substr(lower(username), 1, 20) || '#' || CAST(id AS TEXT)
                WHERE id NOT IN (SELECT min(id) FROM ly_user GROUP BY lower(username));
                """);

            migrationBuilder.CreateTable(
                name: "ly_payment_exception",
                columns: table => new
                {
                    id = table.Column<long>(type: "INTEGER", nullable: false)
                        .Annotation("Sqlite:Autoincrement", true),
                    out_trade_no = table.Column<string>(type: "TEXT", maxLength: 64, nullable: false),
                    trade_no = table.Column<string>(type: "TEXT", maxLength: 64, nullable: false),
                    amount = table.Column<long>(type: "INTEGER", nullable: false),
                    problem = table.Column<int>(type: "INTEGER", nullable: false),
                    refund_request_no = table.Column<string>(type: "TEXT", maxLength: 64, nullable: false),
                    created_at = table.Column<DateTime>(type: "TEXT", nullable: false),
                    refunded_at = table.Column<DateTime>(type: "TEXT", nullable: true),
                    refund_attempts = table.Column<int>(type: "INTEGER", nullable: false),
                    last_error = table.Column<string>(type: "TEXT", maxLength: 512, nullable: true)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_ly_payment_exception", x => x.id);
                });

            migrationBuilder.CreateIndex(
                name: "IX_ly_user_normalized_username",
                table: "ly_user",
                column: "normalized_username",
                unique: true);

            migrationBuilder.CreateIndex(
                name: "IX_ly_payment_exception_out_trade_no",
                table: "ly_payment_exception",
                column: "out_trade_no");

            migrationBuilder.CreateIndex(
                name: "IX_ly_payment_exception_refunded_at",
                table: "ly_payment_exception",
                column: "refunded_at");

            migrationBuilder.CreateIndex(
                name: "IX_ly_payment_exception_trade_no",
                table: "ly_payment_exception",
                column: "trade_no",
                unique: true);
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropTable(
                name: "ly_payment_exception");

            migrationBuilder.DropIndex(
                name: "IX_ly_user_normalized_username",
                table: "ly_user");

            migrationBuilder.DropColumn(
                name: "is_disabled",
                table: "ly_user");

            migrationBuilder.DropColumn(
                name: "normalized_username",
                table: "ly_user");
        }
    }
}
