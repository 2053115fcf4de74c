using System;
using Microsoft.EntityFrameworkCore.Migrations;
using Npgsql.EntityFrameworkCore.PostgreSQL.Metadata;

#nullable disable

namespace Luffy.Infrastructure.Data.Migrations.Postgres
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

            migrationBuilder.DropColumn(
                name: "course_id",
                table: "ly_course_lesson");

            migrationBuilder.AddColumn<long>(
                name: "policy_price",
                table: "ly_order_detail",
                type: "bigint",
                nullable: false,
                defaultValue: 0L);

            migrationBuilder.AddColumn<DateTime>(
                name: "pay_url_issued_at",
                table: "ly_order",
                type: "timestamp with time zone",
                nullable: true);

            migrationBuilder.CreateTable(
                name: "ly_payment_notification",
                columns: table => new
                {
                    id = table.Column<long>(type: "bigint", nullable: false)
                        .Annotation("Npgsql:ValueGenerationStrategy", NpgsqlValueGenerationStrategy.IdentityByDefaultColumn),
                    out_trade_no = table.Column<string>(type: "character varying(256)", maxLength: 256, nullable: true),
                    trade_no = table.Column<string>(type: "character varying(256)", maxLength: 256, nullable: true),
                    trade_status = table.Column<string>(type: "character varying(256)", maxLength: 256, nullable: true),
                    verified = table.Column<bool>(type: "boolean", nullable: false),
                    outcome = table.Column<string>(type: "character varying(512)", maxLength: 512, nullable: false),
                    raw_form = table.Column<string>(type: "character varying(8000)", maxLength: 8000, nullable: false),
                    received_at = table.Column<DateTime>(type: "timestamp with time zone", nullable: false)
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
                type: "integer",
                nullable: false,
                defaultValue: 0);

            migrationBuilder.CreateIndex(
                name: "IX_ly_course_lesson_course_id",
                table: "ly_course_lesson",
                column: "course_id");
        }
    }
}
