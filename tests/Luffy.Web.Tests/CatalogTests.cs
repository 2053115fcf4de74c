using Luffy.Web.Tests.Infrastructure;

namespace Luffy.Web.Tests;

public sealed class CatalogTestsOnSqlite(SqliteGarnetApp app) : CatalogTests(app), IClassFixture<SqliteGarnetApp>;

public sealed class CatalogTestsOnPostgres(PostgresRedisApp app) : CatalogTests(app), IClassFixture<PostgresRedisApp>;

public abstract class CatalogTests(LuffyApp app)
{
    [Fact]
    public async Task Detail_shows_options_with_real_prices_discount_countdown_and_outline()
    {
        var course = await app.CourseAsync(200m, ("满减", "满100-10\n满150-30", 0));
        app.Clock.Advance(TimeSpan.FromHours(1));
        var detail = await app.Anonymous().GetFromJsonAsync<JsonElement>($"/courses/{course.Id}/");

        Assert.Equal(course.Name, detail.GetProperty("name").GetString());
        Assert.Equal("满减", detail.GetProperty("discount_name").GetString());
        Assert.Equal(86400 - 3600, detail.GetProperty("active_time").GetInt64());
        var options = detail.GetProperty("expire_list").EnumerateArray()
            .Select(o => (o.GetProperty("expire_time").GetInt32(), o.GetProperty("expire_text").GetString(), o.Decimal("price"), o.Decimal("real_price"), o.GetProperty("discount_name").GetString()))
            .ToList();
        Assert.Equal(
        [
            (30, "1个月有效", 80m, 80m, "原价购买"),   // no tier reached
            (90, "3个月有效", 140m, 130m, "满减"),
            (180, "6个月有效", 170m, 140m, "满减"),
            (0, "永久有效", 200m, 170m, "满减"),
        ], options);
        Assert.Equal(170m, detail.Decimal("real_price"));
        var lessons = detail.GetProperty("chapter_list")[0].GetProperty("lessons").EnumerateArray().ToList();
        Assert.Equal([true, false], lessons.Select(l => l.GetProperty("free_trail").GetBoolean()));
    }

    [Fact]
    public async Task Policy_outside_its_window_does_not_apply()
    {
        var course = await app.CourseAsync(100m, ("限时免费", "", 0));
        Assert.Equal(0m, (await app.Anonymous().GetFromJsonAsync<JsonElement>($"/courses/{course.Id}/")).Decimal("real_price"));
        app.Clock.Advance(TimeSpan.FromDays(1));
        var after = await app.Anonymous().GetFromJsonAsync<JsonElement>($"/courses/{course.Id}/");
        Assert.Equal(100m, after.Decimal("real_price"));
        Assert.Equal("原价购买", after.GetProperty("discount_name").GetString());
        Assert.Equal(0, after.GetProperty("active_time").GetInt64());
    }

    [Fact]
    public async Task Unknown_course_is_404_with_a_message()
    {
        var response = await app.Anonymous().GetAsync("/courses/987654/");
        Assert.Equal(HttpStatusCode.NotFound, response.StatusCode);
        Assert.Equal("课程不存在", await response.MessageAsync());
    }

    [Fact]
    public async Task List_pages_filters_and_orders()
    {
        var category = await app.WithDbAsync(async db =>
        {
            var c = new CourseCategory { Name = app.UniqueName("分类") };
            db.CourseCategories.Add(c);
            await db.SaveChangesAsync();
            return c;
        });
        var prices = new[] { 30m, 10m, 50m, 20m, 40m };
        var ids = new List<int>();
        foreach (var price in prices)
        {
            var course = await app.CourseAsync(price);
            ids.Add(course.Id);
        }
        var hidden = await app.CourseAsync(5m, onSale: false);
        await app.WithDbAsync(async db =>
        {
            foreach (var course in await db.Courses.Where(c => ids.Contains(c.Id) || c.Id == hidden.Id).ToListAsync())
                (course.CategoryId, course.Students) = (category.Id, (int)course.Price.Yuan);
            await db.SaveChangesAsync();
        });

        var client = app.Anonymous();
        var byPrice = await client.GetFromJsonAsync<JsonElement>($"/courses/?category={category.Id}&ordering=price&size=2&page=2");
        Assert.Equal(5, byPrice.GetProperty("count").GetInt32());
        Assert.Equal([30m, 40m], byPrice.GetProperty("results").EnumerateArray().Select(r => r.Decimal("price")));

        var popular = await client.GetFromJsonAsync<JsonElement>($"/courses/?category={category.Id}&ordering=-students");
        Assert.Equal([50m, 40m, 30m, 20m, 10m], popular.GetProperty("results").EnumerateArray().Select(r => r.Decimal("price")));

        var byId = await client.GetFromJsonAsync<JsonElement>($"/courses/?category={category.Id}");
        Assert.Equal(ids, byId.GetProperty("results").EnumerateArray().Select(r => r.GetProperty("id").GetInt32()));
        Assert.DoesNotContain(hidden.Id, byId.GetProperty("results").EnumerateArray().Select(r => r.GetProperty("id").GetInt32()));

        var categories = await client.GetFromJsonAsync<JsonElement>("/courses/categories/");
        Assert.Contains(category.Name, categories.EnumerateArray().Select(c => c.GetProperty("name").GetString()));
    }

    [Theory]
    [InlineData("ordering=name")]
    [InlineData("page=0")]
    [InlineData("size=500")]
    [InlineData("page=abc")]
    public async Task Bad_list_parameters_are_400(string query)
    {
        var response = await app.Anonymous().GetAsync($"/courses/?{query}");
        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.False(string.IsNullOrWhiteSpace(await response.MessageAsync()));
    }

    [Fact]
    public async Task Malformed_formula_is_refused_when_saved()
    {
        var course = await app.CourseAsync();
        var error = await Assert.ThrowsAsync<DomainValidationException>(() => app.WithDbAsync(async db =>
        {
            db.CoursePriceDiscounts.Add(new CoursePriceDiscount
            {
                CourseId = course.Id,
                Activity = new Activity { Name = "坏活动", StartTime = DateTime.UtcNow, EndTime = DateTime.UtcNow.AddDays(1) },
                Discount = new Discount { DiscountType = new DiscountType { Name = "限时折扣" }, Sale = "*1.5" },
            });
            await db.SaveChangesAsync();
        }));
        Assert.Contains("*1.5", error.Message);
        Assert.False(await app.WithDbAsync(db => db.Activities.AnyAsync(a => a.Name == "坏活动")));

        await Assert.ThrowsAsync<DomainValidationException>(() => app.WithDbAsync(async db =>
        {
            db.Coupons.Add(new Coupon { Name = "坏券", CouponType = Luffy.Domain.Coupons.CouponType.Reduction, Sale = "*0.9" });
            await db.SaveChangesAsync();
        }));
    }
}
