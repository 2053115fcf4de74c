using System;
using Microsoft.EntityFrameworkCore.Migrations;
using Npgsql.EntityFrameworkCore.PostgreSQL.Metadata;

#nullable disable

namespace Luffy.Infrastructure.Data.Migrations.Postgres
{
    /// <inheritdoc />
    public partial class BackOffice : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropIndex(
                name: "IX_ly_user_coupon_coupon_id",
                table: "ly_user_coupon");

            migrationBuilder.AddColumn<DateTime>(
                name: "revoked_at",
                table: "ly_user_coupon",
                type: "timestamp with time zone",
                nullable: true);

            migrationBuilder.AddColumn<string>(
                name: "video_url",
                table: "ly_course_lesson",
                type: "character varying(1024)",
                maxLength: 1024,
                nullable: false,
                defaultValue: "");

            migrationBuilder.AddColumn<bool>(
                name: "is_on_sale",
                table: "ly_course_expire",
                type: "boolean",
                nullable: false,
                defaultValue: true);

            migrationBuilder.AddColumn<int>(
                name: "orders",
                table: "ly_course",
                type: "integer",
                nullable: false,
                defaultValue: 0);

            migrationBuilder.AddColumn<bool>(
                name: "permanent_on_sale",
                table: "ly_course",
                type: "boolean",
                nullable: false,
                defaultValue: true);

            migrationBuilder.AddColumn<DateTime>(
                name: "created_at",
                table: "ly_coupon",
                type: "timestamp with time zone",
                nullable: false,
                defaultValue: new DateTime(1, 1, 1, 0, 0, 0, 0, DateTimeKind.Unspecified));

            migrationBuilder.AddColumn<DateTime>(
                name: "end_time",
                table: "ly_coupon",
                type: "timestamp with time zone",
                nullable: true);

            migrationBuilder.AddColumn<bool>(
                name: "is_published",
                table: "ly_coupon",
                type: "boolean",
                nullable: false,
                defaultValue: false);

            migrationBuilder.AddColumn<int>(
                name: "issued_count",
                table: "ly_coupon",
                type: "integer",
                nullable: false,
                defaultValue: 0);

            migrationBuilder.AddColumn<int>(
                name: "per_user_limit",
                table: "ly_coupon",
                type: "integer",
                nullable: false,
                defaultValue: 0);

            migrationBuilder.AddColumn<DateTime>(
                name: "start_time",
                table: "ly_coupon",
                type: "timestamp with time zone",
                nullable: true);

            migrationBuilder.AddColumn<int>(
                name: "total_stock",
                table: "ly_coupon",
                type: "integer",
                nullable: true);

            migrationBuilder.CreateTable(
                name: "ly_audit",
                columns: table => new
                {
                    id = table.Column<long>(type: "bigint", nullable: false)
                        .Annotation("Npgsql:ValueGenerationStrategy", NpgsqlValueGenerationStrategy.IdentityByDefaultColumn),
                    at = table.Column<DateTime>(type: "timestamp with time zone", nullable: false),
                    actor_id = table.Column<int>(type: "integer", nullable: false),
                    actor_name = table.Column<string>(type: "character varying(32)", maxLength: 32, nullable: false),
                    action = table.Column<string>(type: "character varying(64)", maxLength: 64, nullable: false),
                    entity = table.Column<string>(type: "character varying(32)", maxLength: 32, nullable: false),
                    entity_id = table.Column<string>(type: "character varying(64)", maxLength: 64, nullable: false),
                    before = table.Column<string>(type: "character varying(16000)", maxLength: 16000, nullable: true),
                    after = table.Column<string>(type: "character varying(16000)", maxLength: 16000, nullable: true)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_ly_audit", x => x.id);
                });

            migrationBuilder.CreateTable(
                name: "ly_coupon_scope",
                columns: table => new
                {
                    id = table.Column<int>(type: "integer", nullable: false)
                        .Annotation("Npgsql:ValueGenerationStrategy", NpgsqlValueGenerationStrategy.IdentityByDefaultColumn),
                    coupon_id = table.Column<int>(type: "integer", nullable: false),
                    course_id = table.Column<int>(type: "integer", nullable: true),
                    category_id = table.Column<int>(type: "integer", nullable: true)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_ly_coupon_scope", x => x.id);
                    table.ForeignKey(
                        name: "FK_ly_coupon_scope_ly_coupon_coupon_id",
                        column: x => x.coupon_id,
                        principalTable: "ly_coupon",
                        principalColumn: "id",
                        onDelete: ReferentialAction.Cascade);
                });

            migrationBuilder.CreateIndex(
                name: "IX_ly_user_coupon_coupon_id_user_id",
                table: "ly_user_coupon",
                columns: new[] { "coupon_id", "user_id" });

            migrationBuilder.CreateIndex(
                name: "IX_ly_course_orders_id",
                table: "ly_course",
                columns: new[] { "orders", "id" });

            migrationBuilder.CreateIndex(
                name: "IX_ly_coupon_is_published",
                table: "ly_coupon",
                column: "is_published");

            migrationBuilder.CreateIndex(
                name: "IX_ly_audit_actor_id",
                table: "ly_audit",
                column: "actor_id");

            migrationBuilder.CreateIndex(
                name: "IX_ly_audit_at",
                table: "ly_audit",
                column: "at");

            migrationBuilder.CreateIndex(
                name: "IX_ly_audit_entity_entity_id",
                table: "ly_audit",
                columns: new[] { "entity", "entity_id" });

            migrationBuilder.CreateIndex(
                name: "IX_ly_coupon_scope_coupon_id",
                table: "ly_coupon_scope",
                column: "coupon_id");
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropTable(
                name: "ly_audit");

            migrationBuilder.DropTable(
                name: "ly_coupon_scope");

            migrationBuilder.DropIndex(
                name: "IX_ly_user_coupon_coupon_id_user_id",
                table: "ly_user_coupon");

            migrationBuilder.DropIndex(
                name: "IX_ly_course_orders_id",
                table: "ly_course");

            migrationBuilder.DropIndex(
                name: "IX_ly_coupon_is_published",
                table: "ly_coupon");

            migrationBuilder.DropColumn(
                name: "revoked_at",
                table: "ly_user_coupon");

            migrationBuilder.DropColumn(
                name: "video_url",
                table: "ly_course_lesson");

            migrationBuilder.DropColumn(
                name: "is_on_sale",
                table: "ly_course_expire");

            migrationBuilder.DropColumn(
                name: "orders",
                table: "ly_course");

            migrationBuilder.DropColumn(
                name: "permanent_on_sale",
                table: "ly_course");

            migrationBuilder.DropColumn(
                name: "created_at",
                table: "ly_coupon");

            migrationBuilder.DropColumn(
                name: "end_time",
                table: "ly_coupon");

            migrationBuilder.DropColumn(
                name: "is_published",
                table: "ly_coupon");

            migrationBuilder.DropColumn(
                name: "issued_count",
                table: "ly_coupon");

            migrationBuilder.DropColumn(
                name: "per_user_limit",
                table: "ly_coupon");

            migrationBuilder.DropColumn(
                name: "start_time",
                table: "ly_coupon");

            migrationBuilder.DropColumn(
                name: "total_stock",
                table: "ly_coupon");

            migrationBuilder.CreateIndex(
                name: "IX_ly_user_coupon_coupon_id",
                table: "ly_user_coupon",
                column: "coupon_id");
        }
    }
}
