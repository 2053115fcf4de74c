using System;
using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace Luffy.Infrastructure.Data.Migrations.Sqlite
{
    /// <inheritdoc />
    public partial class Initial : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.CreateTable(
                name: "ly_activity",
                columns: table => new
                {
                    id = table.Column<int>(type: "INTEGER", nullable: false)
                        .Annotation("Sqlite:Autoincrement", true),
                    name = table.Column<string>(type: "TEXT", maxLength: 256, nullable: false),
                    start_time = table.Column<DateTime>(type: "TEXT", nullable: false),
                    end_time = table.Column<DateTime>(type: "TEXT", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_ly_activity", x => x.id);
                });

            migrationBuilder.CreateTable(
                name: "ly_coupon",
                columns: table => new
                {
                    id = table.Column<int>(type: "INTEGER", nullable: false)
                        .Annotation("Sqlite:Autoincrement", true),
                    name = table.Column<string>(type: "TEXT", maxLength: 256, nullable: false),
                    coupon_type = table.Column<int>(type: "INTEGER", nullable: false),
                    timer = table.Column<int>(type: "INTEGER", nullable: false),
                    condition = table.Column<long>(type: "INTEGER", nullable: false),
                    sale = table.Column<string>(type: "TEXT", maxLength: 256, nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_ly_coupon", x => x.id);
                });

            migrationBuilder.CreateTable(
                name: "ly_course_category",
                columns: table => new
                {
                    id = table.Column<int>(type: "INTEGER", nullable: false)
                        .Annotation("Sqlite:Autoincrement", true),
                    name = table.Column<string>(type: "TEXT", maxLength: 256, nullable: false),
                    orders = table.Column<int>(type: "INTEGER", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_ly_course_category", x => x.id);
                });

            migrationBuilder.CreateTable(
                name: "ly_discount_type",
                columns: table => new
                {
                    id = table.Column<int>(type: "INTEGER", nullable: false)
                        .Annotation("Sqlite:Autoincrement", true),
                    name = table.Column<string>(type: "TEXT", maxLength: 256, nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_ly_discount_type", x => x.id);
                });

            migrationBuilder.CreateTable(
                name: "ly_user",
                columns: table => new
                {
                    id = table.Column<int>(type: "INTEGER", nullable: false)
                        .Annotation("Sqlite:Autoincrement", true),
                    username = table.Column<string>(type: "TEXT", maxLength: 32, nullable: false),
                    mobile = table.Column<string>(type: "TEXT", maxLength: 16, nullable: true),
                    password_hash = table.Column<string>(type: "TEXT", maxLength: 256, nullable: false),
                    credit = table.Column<long>(type: "INTEGER", nullable: false),
                    is_admin = table.Column<bool>(type: "INTEGER", nullable: false),
                    created_at = table.Column<DateTime>(type: "TEXT", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_ly_user", x => x.id);
                });

            migrationBuilder.CreateTable(
                name: "ly_course",
                columns: table => new
                {
                    id = table.Column<int>(type: "INTEGER", nullable: false)
                        .Annotation("Sqlite:Autoincrement", true),
                    name = table.Column<string>(type: "TEXT", maxLength: 256, nullable: false),
                    category_id = table.Column<int>(type: "INTEGER", nullable: false),
                    course_img = table.Column<string>(type: "TEXT", maxLength: 256, nullable: false),
                    brief = table.Column<string>(type: "TEXT", maxLength: 4000, nullable: false),
                    teacher = table.Column<string>(type: "TEXT", maxLength: 256, nullable: false),
                    price = table.Column<long>(type: "INTEGER", nullable: false),
                    is_on_sale = table.Column<bool>(type: "INTEGER", nullable: false),
                    students = table.Column<int>(type: "INTEGER", nullable: false),
                    created_at = table.Column<DateTime>(type: "TEXT", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_ly_course", x => x.id);
                    table.ForeignKey(
                        name: "FK_ly_course_ly_course_category_category_id",
                        column: x => x.category_id,
                        principalTable: "ly_course_category",
                        principalColumn: "id",
                        onDelete: ReferentialAction.Cascade);
                });

            migrationBuilder.CreateTable(
                name: "ly_discount",
                columns: table => new
                {
                    id = table.Column<int>(type: "INTEGER", nullable: false)
                        .Annotation("Sqlite:Autoincrement", true),
                    discount_type_id = table.Column<int>(type: "INTEGER", nullable: false),
                    condition = table.Column<long>(type: "INTEGER", nullable: false),
                    sale = table.Column<string>(type: "TEXT", maxLength: 256, nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_ly_discount", x => x.id);
                    table.ForeignKey(
                        name: "FK_ly_discount_ly_discount_type_discount_type_id",
                        column: x => x.discount_type_id,
                        principalTable: "ly_discount_type",
                        principalColumn: "id",
                        onDelete: ReferentialAction.Cascade);
                });

            migrationBuilder.CreateTable(
                name: "ly_credit_entry",
                columns: table => new
                {
                    id = table.Column<long>(type: "INTEGER", nullable: false)
                        .Annotation("Sqlite:Autoincrement", true),
                    user_id = table.Column<int>(type: "INTEGER", nullable: false),
                    delta = table.Column<long>(type: "INTEGER", nullable: false),
                    balance_after = table.Column<long>(type: "INTEGER", nullable: false),
                    reason = table.Column<string>(type: "TEXT", maxLength: 256, nullable: false),
                    order_number = table.Column<string>(type: "TEXT", maxLength: 256, nullable: true),
                    created_at = table.Column<DateTime>(type: "TEXT", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_ly_credit_entry", x => x.id);
                    table.ForeignKey(
                        name: "FK_ly_credit_entry_ly_user_user_id",
                        column: x => x.user_id,
                        principalTable: "ly_user",
                        principalColumn: "id",
                        onDelete: ReferentialAction.Cascade);
                });

            migrationBuilder.CreateTable(
                name: "ly_user_coupon",
                columns: table => new
                {
                    id = table.Column<int>(type: "INTEGER", nullable: false)
                        .Annotation("Sqlite:Autoincrement", true),
                    user_id = table.Column<int>(type: "INTEGER", nullable: false),
                    coupon_id = table.Column<int>(type: "INTEGER", nullable: false),
                    start_time = table.Column<DateTime>(type: "TEXT", nullable: false),
                    is_use = table.Column<bool>(type: "INTEGER", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_ly_user_coupon", x => x.id);
                    table.ForeignKey(
                        name: "FK_ly_user_coupon_ly_coupon_coupon_id",
                        column: x => x.coupon_id,
                        principalTable: "ly_coupon",
                        principalColumn: "id",
                        onDelete: ReferentialAction.Cascade);
                    table.ForeignKey(
                        name: "FK_ly_user_coupon_ly_user_user_id",
                        column: x => x.user_id,
                        principalTable: "ly_user",
                        principalColumn: "id",
                        onDelete: ReferentialAction.Cascade);
                });

            migrationBuilder.CreateTable(
                name: "ly_course_chapter",
                columns: table => new
                {
                    id = table.Column<int>(type: "INTEGER", nullable: false)
                        .Annotation("Sqlite:Autoincrement", true),
                    course_id = table.Column<int>(type: "INTEGER", nullable: false),
                    chapter = table.Column<int>(type: "INTEGER", nullable: false),
                    name = table.Column<string>(type: "TEXT", maxLength: 256, nullable: false),
                    summary = table.Column<string>(type: "TEXT", maxLength: 256, nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_ly_course_chapter", x => x.id);
                    table.ForeignKey(
                        name: "FK_ly_course_chapter_ly_course_course_id",
                        column: x => x.course_id,
                        principalTable: "ly_course",
                        principalColumn: "id",
                        onDelete: ReferentialAction.Cascade);
                });

            migrationBuilder.CreateTable(
                name: "ly_course_expire",
                columns: table => new
                {
                    id = table.Column<int>(type: "INTEGER", nullable: false)
                        .Annotation("Sqlite:Autoincrement", true),
                    course_id = table.Column<int>(type: "INTEGER", nullable: false),
                    expire_time = table.Column<int>(type: "INTEGER", nullable: false),
                    expire_text = table.Column<string>(type: "TEXT", maxLength: 256, nullable: false),
                    price = table.Column<long>(type: "INTEGER", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_ly_course_expire", x => x.id);
                    table.ForeignKey(
                        name: "FK_ly_course_expire_ly_course_course_id",
                        column: x => x.course_id,
                        principalTable: "ly_course",
                        principalColumn: "id",
                        onDelete: ReferentialAction.Cascade);
                });

            migrationBuilder.CreateTable(
                name: "ly_course_price_discount",
                columns: table => new
                {
                    id = table.Column<int>(type: "INTEGER", nullable: false)
                        .Annotation("Sqlite:Autoincrement", true),
                    course_id = table.Column<int>(type: "INTEGER", nullable: false),
                    activity_id = table.Column<int>(type: "INTEGER", nullable: false),
                    discount_id = table.Column<int>(type: "INTEGER", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_ly_course_price_discount", x => x.id);
                    table.ForeignKey(
                        name: "FK_ly_course_price_discount_ly_activity_activity_id",
                        column: x => x.activity_id,
                        principalTable: "ly_activity",
                        principalColumn: "id",
                        onDelete: ReferentialAction.Cascade);
                    table.ForeignKey(
                        name: "FK_ly_course_price_discount_ly_course_course_id",
                        column: x => x.course_id,
                        principalTable: "ly_course",
                        principalColumn: "id",
                        onDelete: ReferentialAction.Cascade);
                    table.ForeignKey(
                        name: "FK_ly_course_price_discount_ly_discount_discount_id",
                        column: x => x.discount_id,
                        principalTable: "ly_discount",
                        principalColumn: "id",
                        onDelete: ReferentialAction.Cascade);
                });

            migrationBuilder.CreateTable(
                name: "ly_course_lesson",
                columns: table => new
                {
                    id = table.Column<int>(type: "INTEGER", nullable: false)
                        .Annotation("Sqlite:Autoincrement", true),
                    chapter_id = table.Column<int>(type: "INTEGER", nullable: false),
                    course_id = table.Column<int>(type: "INTEGER", nullable: false),
                    lesson = table.Column<int>(type: "INTEGER", nullable: false),
                    name = table.Column<string>(type: "TEXT", maxLength: 256, nullable: false),
                    duration = table.Column<string>(type: "TEXT", maxLength: 256, nullable: false),
                    free_trail = table.Column<bool>(type: "INTEGER", nullable: false),
                    content = table.Column<string>(type: "TEXT", maxLength: 20000, nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_ly_course_lesson", x => x.id);
                    table.ForeignKey(
                        name: "FK_ly_course_lesson_ly_course_chapter_chapter_id",
                        column: x => x.chapter_id,
                        principalTable: "ly_course_chapter",
                        principalColumn: "id",
                        onDelete: ReferentialAction.Cascade);
                });

            migrationBuilder.CreateIndex(
                name: "IX_ly_course_category_id",
                table: "ly_course",
                column: "category_id");

            migrationBuilder.CreateIndex(
                name: "IX_ly_course_price",
                table: "ly_course",
                column: "price");

            migrationBuilder.CreateIndex(
                name: "IX_ly_course_students",
                table: "ly_course",
                column: "students");

            migrationBuilder.CreateIndex(
                name: "IX_ly_course_chapter_course_id",
                table: "ly_course_chapter",
                column: "course_id");

            migrationBuilder.CreateIndex(
                name: "IX_ly_course_expire_course_id_expire_time",
                table: "ly_course_expire",
                columns: new[] { "course_id", "expire_time" },
                unique: true);

            migrationBuilder.CreateIndex(
                name: "IX_ly_course_lesson_chapter_id",
                table: "ly_course_lesson",
                column: "chapter_id");

            migrationBuilder.CreateIndex(
                name: "IX_ly_course_lesson_course_id",
                table: "ly_course_lesson",
                column: "course_id");

            migrationBuilder.CreateIndex(
                name: "IX_ly_course_price_discount_activity_id",
                table: "ly_course_price_discount",
                column: "activity_id");

            migrationBuilder.CreateIndex(
                name: "IX_ly_course_price_discount_course_id",
                table: "ly_course_price_discount",
                column: "course_id");

            migrationBuilder.CreateIndex(
                name: "IX_ly_course_price_discount_discount_id",
                table: "ly_course_price_discount",
                column: "discount_id");

            migrationBuilder.CreateIndex(
                name: "IX_ly_credit_entry_user_id_id",
                table: "ly_credit_entry",
                columns: new[] { "user_id", "id" });

            migrationBuilder.CreateIndex(
                name: "IX_ly_discount_discount_type_id",
                table: "ly_discount",
                column: "discount_type_id");

            migrationBuilder.CreateIndex(
                name: "IX_ly_user_mobile",
                table: "ly_user",
                column: "mobile",
                unique: true);

            migrationBuilder.CreateIndex(
                name: "IX_ly_user_username",
                table: "ly_user",
                column: "username",
                unique: true);

            migrationBuilder.CreateIndex(
                name: "IX_ly_user_coupon_coupon_id",
                table: "ly_user_coupon",
                column: "coupon_id");

            migrationBuilder.CreateIndex(
                name: "IX_ly_user_coupon_user_id",
                table: "ly_user_coupon",
                column: "user_id");
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropTable(
                name: "ly_course_expire");

            migrationBuilder.DropTable(
                name: "ly_course_lesson");

            migrationBuilder.DropTable(
                name: "ly_course_price_discount");

            migrationBuilder.DropTable(
                name: "ly_credit_entry");

            migrationBuilder.DropTable(
                name: "ly_user_coupon");

            migrationBuilder.DropTable(
                name: "ly_course_chapter");

            migrationBuilder.DropTable(
                name: "ly_activity");

            migrationBuilder.DropTable(
                name: "ly_discount");

            migrationBuilder.DropTable(
                name: "ly_coupon");

            migrationBuilder.DropTable(
                name: "ly_user");

            migrationBuilder.DropTable(
                name: "ly_course");

            migrationBuilder.DropTable(
                name: "ly_discount_type");

            migrationBuilder.DropTable(
                name: "ly_course_category");
        }
    }
}
