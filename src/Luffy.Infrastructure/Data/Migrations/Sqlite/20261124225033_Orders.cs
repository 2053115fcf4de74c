using System;
using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace Luffy.Infrastructure.Data.Migrations.Sqlite
{
    /// <inheritdoc />
    public partial class Orders : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.AddColumn<long>(
                name: "order_id",
                table: "ly_user_coupon",
                type: "INTEGER",
                nullable: true);

            migrationBuilder.CreateTable(
                name: "ly_idempotency",
                columns: table => new
                {
                    id = table.Column<long>(type: "INTEGER", nullable: false)
                        .Annotation("Sqlite:Autoincrement", true),
                    user_id = table.Column<int>(type: "INTEGER", nullable: false),
                    key = table.Column<string>(type: "TEXT", maxLength: 128, nullable: false),
                    request_hash = table.Column<string>(type: "TEXT", maxLength: 256, nullable: false),
                    status_code = table.Column<int>(type: "INTEGER", nullable: false),
                    response_body = table.Column<string>(type: "TEXT", maxLength: 65536, nullable: false),
                    created_at = table.Column<DateTime>(type: "TEXT", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_ly_idempotency", x => x.id);
                });

            migrationBuilder.CreateTable(
                name: "ly_order",
                columns: table => new
                {
                    id = table.Column<long>(type: "INTEGER", nullable: false)
                        .Annotation("Sqlite:Autoincrement", true),
                    order_number = table.Column<string>(type: "TEXT", maxLength: 32, nullable: false),
                    user_id = table.Column<int>(type: "INTEGER", nullable: false),
                    order_title = table.Column<string>(type: "TEXT", maxLength: 256, nullable: false),
                    total_price = table.Column<long>(type: "INTEGER", nullable: false),
                    real_price = table.Column<long>(type: "INTEGER", nullable: false),
                    coupon = table.Column<int>(type: "INTEGER", nullable: false),
                    credit = table.Column<long>(type: "INTEGER", nullable: false),
                    pay_type = table.Column<int>(type: "INTEGER", nullable: false),
                    order_status = table.Column<int>(type: "INTEGER", nullable: false),
                    created_at = table.Column<DateTime>(type: "TEXT", nullable: false),
                    pay_time = table.Column<DateTime>(type: "TEXT", nullable: true),
                    trade_no = table.Column<string>(type: "TEXT", maxLength: 256, nullable: true)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_ly_order", x => x.id);
                    table.ForeignKey(
                        name: "FK_ly_order_ly_user_user_id",
                        column: x => x.user_id,
                        principalTable: "ly_user",
                        principalColumn: "id",
                        onDelete: ReferentialAction.Cascade);
                });

            migrationBuilder.CreateTable(
                name: "ly_user_course",
                columns: table => new
                {
                    id = table.Column<long>(type: "INTEGER", nullable: false)
                        .Annotation("Sqlite:Autoincrement", true),
                    user_id = table.Column<int>(type: "INTEGER", nullable: false),
                    course_id = table.Column<int>(type: "INTEGER", nullable: false),
                    buy_number = table.Column<string>(type: "TEXT", maxLength: 256, nullable: true),
                    buy_type = table.Column<int>(type: "INTEGER", nullable: false),
                    pay_time = table.Column<DateTime>(type: "TEXT", nullable: true),
                    out_time = table.Column<DateTime>(type: "TEXT", nullable: true)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_ly_user_course", x => x.id);
                    table.ForeignKey(
                        name: "FK_ly_user_course_ly_user_user_id",
                        column: x => x.user_id,
                        principalTable: "ly_user",
                        principalColumn: "id",
                        onDelete: ReferentialAction.Cascade);
                });

            migrationBuilder.CreateTable(
                name: "ly_order_detail",
                columns: table => new
                {
                    id = table.Column<long>(type: "INTEGER", nullable: false)
                        .Annotation("Sqlite:Autoincrement", true),
                    order_id = table.Column<long>(type: "INTEGER", nullable: false),
                    course_id = table.Column<int>(type: "INTEGER", nullable: false),
                    course_name = table.Column<string>(type: "TEXT", maxLength: 256, nullable: false),
                    course_img = table.Column<string>(type: "TEXT", maxLength: 256, nullable: false),
                    expire = table.Column<int>(type: "INTEGER", nullable: false),
                    expire_text = table.Column<string>(type: "TEXT", maxLength: 256, nullable: false),
                    price = table.Column<long>(type: "INTEGER", nullable: false),
                    real_price = table.Column<long>(type: "INTEGER", nullable: false),
                    discount_name = table.Column<string>(type: "TEXT", maxLength: 256, nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_ly_order_detail", x => x.id);
                    table.ForeignKey(
                        name: "FK_ly_order_detail_ly_order_order_id",
                        column: x => x.order_id,
                        principalTable: "ly_order",
                        principalColumn: "id",
                        onDelete: ReferentialAction.Cascade);
                });

            migrationBuilder.CreateIndex(
                name: "IX_ly_user_coupon_order_id",
                table: "ly_user_coupon",
                column: "order_id");

            migrationBuilder.CreateIndex(
                name: "IX_ly_idempotency_user_id_key",
                table: "ly_idempotency",
                columns: new[] { "user_id", "key" },
                unique: true);

            migrationBuilder.CreateIndex(
                name: "IX_ly_order_order_number",
                table: "ly_order",
                column: "order_number",
                unique: true);

            migrationBuilder.CreateIndex(
                name: "IX_ly_order_order_status_created_at",
                table: "ly_order",
                columns: new[] { "order_status", "created_at" });

            migrationBuilder.CreateIndex(
                name: "IX_ly_order_user_id_created_at",
                table: "ly_order",
                columns: new[] { "user_id", "created_at" });

            migrationBuilder.CreateIndex(
                name: "IX_ly_order_detail_course_id",
                table: "ly_order_detail",
                column: "course_id");

            migrationBuilder.CreateIndex(
                name: "IX_ly_order_detail_order_id",
                table: "ly_order_detail",
                column: "order_id");

            migrationBuilder.CreateIndex(
                name: "IX_ly_user_course_user_id_course_id",
                table: "ly_user_course",
                columns: new[] { "user_id", "course_id" },
                unique: true);
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropTable(
                name: "ly_idempotency");

            migrationBuilder.DropTable(
                name: "ly_order_detail");

            migrationBuilder.DropTable(
                name: "ly_user_course");

            migrationBuilder.DropTable(
                name: "ly_order");

            migrationBuilder.DropIndex(
                name: "IX_ly_user_coupon_order_id",
                table: "ly_user_coupon");

            migrationBuilder.DropColumn(
                name: "order_id",
                table: "ly_user_coupon");
        }
    }
}
