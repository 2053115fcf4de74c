using System.Globalization;
using System.Net;
using Luffy.Domain.Catalog;
using Luffy.Domain.Coupons;
using Luffy.Infrastructure.Data;
using Microsoft.AspNetCore.Identity;
using Microsoft.Extensions.Logging;

namespace Luffy.Infrastructure.Seeding;

/// <summary>
/// The demo data of the embedded mode: a catalog of 12 courses with covers, outlines, validity options
/// and one course under each kind of price policy; a student and an admin. Runs once, on an empty database.
/// </summary>
public sealed partial class DemoSeeder(LuffyDbContext db, IPasswordHasher<User> hasher, TimeProvider clock, ILogger<DemoSeeder> logger)
{
    public const string StudentName = "demo";
    public const string StudentPassword = "demo1234";
    public const string AdminName = "admin";
    public const string AdminPassword = "admin1234";

    private static readonly (string Category, string Name, string Teacher, int Yuan, int Students)[] Catalog =
    [
        ("Python", "Python 入门", "Alex", 99, 1280),
        ("Python", "Python 进阶：并发与异步", "Alex", 199, 860),
        ("Web 开发", "Django 项目实战：路飞学城", "Wupeiqi", 299, 2100),
        ("Web 开发", "Vue.js 从零到一", "Yuan", 149, 1540),
        ("数据分析", "Pandas 数据分析", "Egon", 129, 970),
        ("数据分析", "数据可视化实战", "Egon", 89, 430),
        ("人工智能", "机器学习基础", "Oldboy", 399, 1760),
        ("人工智能", "深度学习与 PyTorch", "Oldboy", 499, 1190),
        ("运维", "Linux 基础", "Alex", 59, 3020),
        ("运维", "Docker 与 Kubernetes", "Yuan", 259, 640),
        ("Go", "Go 语言入门", "Wupeiqi", 169, 520),
        ("前端", "JavaScript 核心", "Yuan", 79, 2250),
    ];

    /// <summary>Seeds when the database has no user; true when it did.</summary>
    public async Task<bool> SeedAsync(string mediaDirectory, CancellationToken cancellationToken = default)
    {
        if (await db.Users.AnyAsync(cancellationToken))
            return false;

        await using var transaction = await db.Database.BeginTransactionAsync(cancellationToken);
        var now = clock.GetUtcNow().UtcDateTime;
        var covers = Path.Combine(mediaDirectory, "covers");
        Directory.CreateDirectory(covers);

        var categories = Catalog.Select(c => c.Category).Distinct()
            .Select((name, i) => new CourseCategory { Name = name, Orders = i + 1 }).ToList();
        db.CourseCategories.AddRange(categories);

        var courses = new List<Course>();
        for (var i = 0; i < Catalog.Length; i++)
        {
            var (category, name, teacher, yuan, students) = Catalog[i];
            var number = i + 1;
            var price = Money.FromYuan(yuan);
            await File.WriteAllTextAsync(Path.Combine(covers, $"{number}.svg"), CoverSvg(name, number), cancellationToken);
            var course = new Course
            {
                Name = name,
                Category = categories.First(c => c.Name == category),
                CourseImg = $"/media/covers/{number}.svg",
                Brief = $"《{name}》由 {teacher} 老师主讲，从基础概念讲到项目实战，每章配有练习。",
                Teacher = teacher,
                Price = price,
                Students = students,
                CreatedAt = now.AddDays(-number),
                Expires =
                [
                    Option(30, price.Times(0.4m)),
                    Option(90, price.Times(0.7m)),
                    Option(180, price.Times(0.85m)),
                ],
                Chapters = Outline(name),
            };
            courses.Add(course);
        }
        db.Courses.AddRange(courses);

        var activity = new Activity { Name = "双十二限时活动", StartTime = now.AddDays(-1), EndTime = now.AddDays(30) };
        Discount Policy(string type, string sale) => new() { DiscountType = new DiscountType { Name = type }, Sale = sale };
        // 满减 with tiers that only the longer options reach: the 30-day option (¥119.60) stays at 原价购买.
        (int Course, Discount Discount)[] policies =
        [
            (9, Policy("限时免费", "")),
            (1, Policy("限时折扣", "*0.8")),
            (4, Policy("限时减免", "-20")),
            (3, Policy("满减", "满150-15\n满250-30\n满500-80")),
        ];
        foreach (var (course, discount) in policies)
            courses[course - 1].PriceDiscounts.Add(new CoursePriceDiscount { Activity = activity, Discount = discount });

        var student = new User { Username = StudentName, PasswordHash = "", Credit = 500, CreatedAt = now };
        student.PasswordHash = hasher.HashPassword(student, StudentPassword);
        var admin = new User { Username = AdminName, PasswordHash = "", IsAdmin = true, CreatedAt = now };
        admin.PasswordHash = hasher.HashPassword(admin, AdminPassword);
        db.Users.AddRange(student, admin);
        await db.SaveChangesAsync(cancellationToken);
        db.CreditEntries.Add(new CreditEntry { UserId = student.Id, Delta = 500, BalanceAfter = 500, Reason = "演示账户赠送", CreatedAt = now });

        var coupons = new[]
        {
            new Coupon { Name = "九折优惠券", CouponType = CouponType.Discount, Sale = "*0.9", Timer = 30 },
            new Coupon { Name = "满100减10", CouponType = CouponType.Reduction, Sale = "-10", Condition = Money.FromYuan(100), Timer = 30 },
            new Coupon { Name = "过期的减20券", CouponType = CouponType.Reduction, Sale = "-20", Timer = 7 },
        };
        db.Coupons.AddRange(coupons);
        db.UserCoupons.AddRange(
            new UserCoupon { UserId = student.Id, Coupon = coupons[0], StartTime = now.AddDays(-1) },
            new UserCoupon { UserId = student.Id, Coupon = coupons[1], StartTime = now.AddDays(-1) },
            new UserCoupon { UserId = student.Id, Coupon = coupons[2], StartTime = now.AddDays(-30) });
        await db.SaveChangesAsync(cancellationToken);
        await transaction.CommitAsync(cancellationToken);

        LogSeeded(logger, courses.Count, StudentName, StudentPassword, AdminName, AdminPassword);
        return true;
    }

    private static CourseExpire Option(int days, Money price) =>
        new() { ExpireTime = days, ExpireText = Validity.DefaultText(days), Price = price };

    private static List<CourseChapter> Outline(string course) =>
        Enumerable.Range(1, 3).Select(c => new CourseChapter
        {
            Chapter = c,
            Name = c switch { 1 => "课程介绍与环境准备", 2 => "核心概念", _ => "项目实战" },
            Summary = $"{course} 第 {c} 章",
            Lessons = Enumerable.Range(1, 3).Select(l => new CourseLesson
            {
                Lesson = l,
                Name = $"{c}.{l} {(c == 1 && l == 1 ? "课程导学" : $"第 {l} 节")}",
                Duration = $"{8 + (c * 3 + l) % 12}:{(c * 17 + l * 7) % 60:00}",
                FreeTrail = c == 1 && l <= 2,
                Content = $"《{course}》第 {c} 章第 {l} 节的讲义与视频地址。",
            }).ToList(),
        }).ToList();

    private static string CoverSvg(string name, int number)
    {
        var hue = number * 360 / Catalog.Length;
        var title = WebUtility.HtmlEncode(name);
        return string.Create(CultureInfo.InvariantCulture, $"""
            <svg xmlns="http://www.w3.org/2000/svg" width="350" height="230" viewBox="0 0 350 230">
              <defs><linearGradient id="g" x1="0" y1="0" x2="1" y2="1">
                <stop offset="0" stop-color="hsl({hue},70%,45%)"/><stop offset="1" stop-color="hsl({(hue + 40) % 360},70%,30%)"/>
              </linearGradient></defs>
              <rect width="350" height="230" rx="12" fill="url(#g)"/>
              <text x="24" y="52" font-family="sans-serif" font-size="16" fill="#ffffffb0">路飞学城 · LUFFY</text>
              <text x="24" y="130" font-family="sans-serif" font-size="26" font-weight="bold" fill="#fff">{title}</text>
            </svg>
            """);
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "Seeded demo data: {Courses} courses. Log in as student '{Student}' / '{StudentPassword}' or admin '{Admin}' / '{AdminPassword}' (embedded mode only).")]
    private static partial void LogSeeded(ILogger logger, int courses, string student, string studentPassword, string admin, string adminPassword);
}
