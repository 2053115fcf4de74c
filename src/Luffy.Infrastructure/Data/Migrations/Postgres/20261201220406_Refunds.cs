using System;
using Microsoft.EntityFrameworkCore.Migrations;
using Npgsql.EntityFrameworkCore.PostgreSQL.Metadata;

#nullable disable

namespace Luffy.Infrastructure.Data.Migrations.Postgres
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
                type: "timestamp with time zone",
                nullable: true);

            migrationBuilder.AddColumn<DateTime>(
                name: "granted_until",
                table: "ly_order_detail",
                type: "timestamp with time zone",
                nullable: true);

            migrationBuilder.AddColumn<bool>(
                name: "had_purchase",
                table: "ly_order_detail",
                type: "boolean",
                nullable: false,
                defaultValue: false);

            migrationBuilder.AddColumn<DateTime>(
                name: "out_time_before",
                table: "ly_order_detail",
                type: "timestamp with time zone",
                nullable: true);

            migrationBuilder.AddColumn<long>(
                name: "refund_id",
                table: "ly_order_detail",
                type: "bigint",
                nullable: true);

            migrationBuilder.AddColumn<long>(
                name: "refunded_amount",
                table: "ly_order",
                type: "bigint",
                nullable: false,
                defaultValue: 0L);

            migrationBuilder.AddColumn<long>(
                name: "refunded_credit",
                table: "ly_order",
                type: "bigint",
                nullable: false,
                defaultValue: 0L);

            migrationBuilder.CreateTable(
                name: "ly_reconciliation_run",
                columns: table => new
                {
                    id = table.Column<long>(type: "bigint", nullable: false)
                        .Annotation("Npgsql:ValueGenerationStrategy", NpgsqlValueGenerationStrategy.IdentityByDefaultColumn),
                    bill_date = table.Column<DateOnly>(type: "date", nullable: false),
                    state = table.Column<int>(type: "integer", nullable: false),
                    started_at = table.Column<DateTime>(type: "timestamp with time zone", nullable: false),
                    lease_until = table.Column<DateTime>(type: "timestamp with time zone", nullable: false),
                    finished_at = table.Column<DateTime>(type: "timestamp with time zone", nullable: true),
                    gateway_rows = table.Column<int>(type: "integer", nullable: false),
                    mismatches = table.Column<int>(type: "integer", nullable: false),
                    error = table.Column<string>(type: "character varying(512)", maxLength: 512, nullable: true)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_ly_reconciliation_run", x => x.id);
                });

            migrationBuilder.CreateTable(
                name: "ly_refund",
                columns: table => new
                {
                    id = table.Column<long>(type: "bigint", nullable: false)
                        .Annotation("Npgsql:ValueGenerationStrategy", NpgsqlValueGenerationStrategy.IdentityByDefaultColumn),
                    order_id = table.Column<long>(type: "bigint", nullable: false),
                    user_id = table.Column<int>(type: "integer", nullable: false),
                    request_no = table.Column<string>(type: "character varying(64)", maxLength: 64, nullable: false),
                    amount = table.Column<long>(type: "bigint", nullable: false),
                    credit = table.Column<long>(type: "bigint", nullable: false),
                    whole_order = table.Column<bool>(type: "boolean", nullable: false),
                    status = table.Column<int>(type: "integer", nullable: false),
                    reason = table.Column<string>(type: "character varying(500)", maxLength: 500, nullable: false),
                    requested_by_student = table.Column<bool>(type: "boolean", nullable: false),
                    operator_id = table.Column<int>(type: "integer", nullable: true),
                    operator_note = table.Column<string>(type: "character varying(500)", maxLength: 500, nullable: true),
                    created_at = table.Column<DateTime>(type: "timestamp with time zone", nullable: false),
                    decided_at = table.Column<DateTime>(type: "timestamp with time zone", nullable: true),
                    refunded_at = table.Column<DateTime>(type: "timestamp with time zone", nullable: true),
                    attempts = table.Column<int>(type: "integer", nullable: false),
                    last_error = table.Column<string>(type: "character varying(512)", maxLength: 512, nullable: true),
                    coupon_released = table.Column<bool>(type: "boolean", nullable: false)
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
                    id = table.Column<long>(type: "bigint", nullable: false)
                        .Annotation("Npgsql:ValueGenerationStrategy", NpgsqlValueGenerationStrategy.IdentityByDefaultColumn),
                    run_id = table.Column<long>(type: "bigint", nullable: false),
                    bill_date = table.Column<DateOnly>(type: "date", nullable: false),
                    kind = table.Column<string>(type: "character varying(32)", maxLength: 32, nullable: false),
                    out_trade_no = table.Column<string>(type: "character varying(64)", maxLength: 64, nullable: true),
                    trade_no = table.Column<string>(type: "character varying(64)", maxLength: 64, nullable: true),
                    request_no = table.Column<string>(type: "character varying(64)", maxLength: 64, nullable: true),
                    gateway_amount = table.Column<long>(type: "bigint", nullable: true),
                    our_amount = table.Column<long>(type: "bigint", nullable: true),
                    detail = table.Column<string>(type: "character varying(512)", maxLength: 512, nullable: false)
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
                    id = table.Column<long>(type: "bigint", nullable: false)
                        .Annotation("Npgsql:ValueGenerationStrategy", NpgsqlValueGenerationStrategy.IdentityByDefaultColumn),
                    refund_id = table.Column<long>(type: "bigint", nullable: false),
                    order_detail_id = table.Column<long>(type: "bigint", nullable: false),
                    course_id = table.Column<int>(type: "integer", nullable: false),
                    amount = table.Column<long>(type: "bigint", nullable: false),
                    credit = table.Column<long>(type: "bigint", nullable: false)
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
