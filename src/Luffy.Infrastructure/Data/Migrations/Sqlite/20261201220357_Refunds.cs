using System;
using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace Luffy.Infrastructure.Data.Migrations.Sqlite
{
    /// <inheritdoc />
    public partial class Refunds : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.AddColumn<DateTime>(
                name: "granted_from",
                table: "ly_order_detail",
                type: "TEXT",
                nullable: true);

            migrationBuilder.AddColumn<DateTime>(
                name: "granted_until",
                table: "ly_order_detail",
                type: "TEXT",
                nullable: true);

            migrationBuilder.AddColumn<bool>(
                name: "had_purchase",
                table: "ly_order_detail",
                type: "INTEGER",
                nullable: false,
                defaultValue: false);

            migrationBuilder.AddColumn<DateTime>(
                name: "out_time_before",
                table: "ly_order_detail",
                type: "TEXT",
                nullable: true);

            migrationBuilder.AddColumn<long>(
                name: "refund_id",
                table: "ly_order_detail",
                type: "INTEGER",
                nullable: true);

            migrationBuilder.AddColumn<long>(
                name: "refunded_amount",
                table: "ly_order",
                type: "INTEGER",
                nullable: false,
                defaultValue: 0L);

            migrationBuilder.AddColumn<long>(
                name: "refunded_credit",
                table: "ly_order",
                type: "INTEGER",
                nullable: false,
                defaultValue: 0L);

            migrationBuilder.CreateTable(
                name: "ly_reconciliation_run",
                columns: table => new
                {
                    id = table.Column<long>(type: "INTEGER", nullable: false)
                        .Annotation("Sqlite:Autoincrement", true),
                    bill_date = table.Column<DateOnly>(type: "TEXT", nullable: false),
                    state = table.Column<int>(type: "INTEGER", nullable: false),
                    started_at = table.Column<DateTime>(type: "TEXT", nullable: false),
                    lease_until = table.Column<DateTime>(type: "TEXT", nullable: false),
                    finished_at = table.Column<DateTime>(type: "TEXT", nullable: true),
                    gateway_rows = table.Column<int>(type: "INTEGER", nullable: false),
                    mismatches = table.Column<int>(type: "INTEGER", nullable: false),
                    error = table.Column<string>(type: "TEXT", maxLength: 512, nullable: true)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_ly_reconciliation_run", x => x.id);
                });

            migrationBuilder.CreateTable(
                name: "ly_refund",
                columns: table => new
                {
                    id = table.Column<long>(type: "INTEGER", nullable: false)
                        .Annotation("Sqlite:Autoincrement", true),
                    order_id = table.Column<long>(type: "INTEGER", nullable: false),
                    user_id = table.Column<int>(type: "INTEGER", nullable: false),
                    request_no = table.Column<string>(type: "TEXT", maxLength: 64, nullable: false),
                    amount = table.Column<long>(type: "INTEGER", nullable: false),
                    credit = table.Column<long>(type: "INTEGER", nullable: false),
                    whole_order = table.Column<bool>(type: "INTEGER", nullable: false),
                    status = table.Column<int>(type: "INTEGER", nullable: false),
                    reason = table.Column<string>(type: "TEXT", maxLength: 500, nullable: false),
                    requested_by_student = table.Column<bool>(type: "INTEGER", nullable: false),
                    operator_id = table.Column<int>(type: "INTEGER", nullable: true),
                    operator_note = table.Column<string>(type: "TEXT", maxLength: 500, nullable: true),
                    created_at = table.Column<DateTime>(type: "TEXT", nullable: false),
                    decided_at = table.Column<DateTime>(type: "TEXT", nullable: true),
                    refunded_at = table.Column<DateTime>(type: "TEXT", nullable: true),
                    attempts = table.Column<int>(type: "INTEGER", nullable: false),
                    last_error = table.Column<string>(type: "TEXT", maxLength: 512, nullable: true),
                    coupon_released = table.Column<bool>(type: "INTEGER", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_ly_refund", x => x.id);
                    table.ForeignKey(
                        name: "FK_ly_refund_ly_order_order_id",
                        column: x => x.order_id,
                        principalTable: "ly_order",
                        principalColumn: "id",
                        onDelete: ReferentialAction.Cascade);
                });

            migrationBuilder.CreateTable(
                name: "ly_reconciliation_mismatch",
                columns: table => new
                {
                    id = table.Column<long>(type: "INTEGER", nullable: false)
                        .Annotation("Sqlite:Autoincrement", true),
                    run_id = table.Column<long>(type: "INTEGER", nullable: false),
                    bill_date = table.Column<DateOnly>(type: "TEXT", nullable: false),
                    kind = table.Column<string>(type: "TEXT", maxLength: 32, nullable: false),
                    out_trade_no = table.Column<string>(type: "TEXT", maxLength: 64, nullable: true),
                    trade_no = table.Column<string>(type: "TEXT", maxLength: 64, nullable: true),
                    request_no = table.Column<string>(type: "TEXT", maxLength: 64, nullable: true),
                    gateway_amount = table.Column<long>(type: "INTEGER", nullable: true),
                    our_amount = table.Column<long>(type: "INTEGER", nullable: true),
                    detail = table.Column<string>(type: "TEXT", maxLength: 512, nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_ly_reconciliation_mismatch", x => x.id);
                    table.ForeignKey(
                        name: "FK_ly_reconciliation_mismatch_ly_reconciliation_run_run_id",
                        column: x => x.run_id,
                        principalTable: "ly_reconciliation_run",
                        principalColumn: "id",
                        onDelete: ReferentialAction.Cascade);
                });

            migrationBuilder.CreateTable(
                name: "ly_refund_line",
                columns: table => new
                {
                    id = table.Column<long>(type: "INTEGER", nullable: false)
                        .Annotation("Sqlite:Autoincrement", true),
                    refund_id = table.Column<long>(type: "INTEGER", nullable: false),
                    order_detail_id = table.Column<long>(type: "INTEGER", nullable: false),
                    course_id = table.Column<int>(type: "INTEGER", nullable: false),
                    amount = table.Column<long>(type: "INTEGER", nullable: false),
                    credit = table.Column<long>(type: "INTEGER", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_ly_refund_line", x => x.id);
                    table.ForeignKey(
                        name: "FK_ly_refund_line_ly_refund_refund_id",
                        column: x => x.refund_id,
                        principalTable: "ly_refund",
                        principalColumn: "id",
                        onDelete: ReferentialAction.Cascade);
                });

            migrationBuilder.CreateIndex(
                name: "IX_ly_reconciliation_mismatch_bill_date_id",
                table: "ly_reconciliation_mismatch",
                columns: new[] { "bill_date", "id" });

            migrationBuilder.CreateIndex(
                name: "IX_ly_reconciliation_mismatch_run_id",
                table: "ly_reconciliation_mismatch",
                column: "run_id");

            migrationBuilder.CreateIndex(
                name: "IX_ly_reconciliation_run_bill_date",
                table: "ly_reconciliation_run",
                column: "bill_date",
                unique: true);

            migrationBuilder.CreateIndex(
                name: "IX_ly_refund_order_id",
                table: "ly_refund",
                column: "order_id");

            migrationBuilder.CreateIndex(
                name: "IX_ly_refund_refunded_at",
                table: "ly_refund",
                column: "refunded_at");

            migrationBuilder.CreateIndex(
                name: "IX_ly_refund_request_no",
                table: "ly_refund",
                column: "request_no",
                unique: true);

            migrationBuilder.CreateIndex(
                name: "IX_ly_refund_status_created_at",
                table: "ly_refund",
                columns: new[] { "status", "created_at" });

            migrationBuilder.CreateIndex(
                name: "IX_ly_refund_line_order_detail_id",
                table: "ly_refund_line",
                column: "order_detail_id");

            migrationBuilder.CreateIndex(
                name: "IX_ly_refund_line_refund_id",
                table: "ly_refund_line",
                column: "refund_id");
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropTable(
                name: "ly_reconciliation_mismatch");

            migrationBuilder.DropTable(
                name: "ly_refund_line");

            migrationBuilder.DropTable(
                name: "ly_reconciliation_run");

            migrationBuilder.DropTable(
                name: "ly_refund");

            migrationBuilder.DropColumn(
                name: "granted_from",
                table: "ly_order_detail");

            migrationBuilder.DropColumn(
                name: "granted_until",
                table: "ly_order_detail");

            migrationBuilder.DropColumn(
                name: "had_purchase",
                table: "ly_order_detail");

            migrationBuilder.DropColumn(
                name: "out_time_before",
                table: "ly_order_detail");

            migrationBuilder.DropColumn(
                name: "refund_id",
                table: "ly_order_detail");

            migrationBuilder.DropColumn(
                name: "refunded_amount",
                table: "ly_order");

            migrationBuilder.DropColumn(
                name: "refunded_credit",
                table: "ly_order");
        }
    }
}
