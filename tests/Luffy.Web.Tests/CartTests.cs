using Luffy.Infrastructure.Catalog;
using Microsoft.Extensions.DependencyInjection;
using Luffy.Web.Tests.Infrastructure;

namespace Luffy.Web.Tests;

public sealed class CartTestsOnSqlite(SqliteGarnetApp app) : CartTests(app), IClassFixture<SqliteGarnetApp>;

public sealed class CartTestsOnPostgres(PostgresRedisApp app) : CartTests(app), IClassFixture<PostgresRedisApp>;

public abstract class CartTests(LuffyApp app)
{
    private static async Task<string> CartJson(UserClient user)
    {
        var response = await user.Http.GetAsync("/cart/");
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        return await response.Content.ReadAsStringAsync();
    }

    [Fact]
    public async Task Cart_needs_a_login()
    {
        var response = await app.Anonymous().GetAsync("/cart/");
        Assert.Equal(HttpStatusCode.Unauthorized, response.StatusCode);
        Assert.False(string.IsNullOrEmpty(await response.MessageAsync()));
    }

    [Fact]
    public async Task Added_course_is_listed_selected_with_its_options_and_prices()
    {
        var user = await app.StudentAsync();
        var course = await app.CourseAsync(200m, ("限时折扣", "*0.5", 0));

        var added = await user.Http.PostAsJsonAsync("/cart/", new { course_id = course.Id, expire_time = 90 });
        Assert.Equal(HttpStatusCode.OK, added.StatusCode);
        Assert.Equal(1, (await added.JsonAsync()).GetProperty("cart_length").GetInt32());

        var line = Assert.Single((await user.Http.GetFromJsonAsync<JsonElement>("/cart/")).EnumerateArray());
        Assert.Equal(course.Id, line.GetProperty("course_id").GetInt32());
        Assert.Equal(90, line.GetProperty("expire_time").GetInt32());
        Assert.True(line.GetProperty("selected").GetBoolean());
        Assert.Equal(140.00m, line.Decimal("price"));
        Assert.Equal(70.00m, line.Decimal("real_price"));
        Assert.Equal("限时折扣", line.GetProperty("discount_name").GetString());
        Assert.EndsWith("/media/covers/test.svg", line.GetProperty("course_img").GetString());
        var options = line.GetProperty("expire_list").EnumerateArray().Select(o => (o.GetProperty("expire_time").GetInt32(), o.Decimal("price"), o.Decimal("real_price"))).ToList();
        Assert.Equal([(30, 80m, 40m), (90, 140m, 70m), (180, 170m, 85m), (0, 200m, 100m)], options);
    }

    [Fact]
    public async Task Select_all_selects_every_line_and_unselect_all_clears_them_leaving_the_lines()
    {
        var user = await app.StudentAsync();
        var courses = new[] { await app.CourseAsync(10m), await app.CourseAsync(20m), await app.CourseAsync(30m) };
        foreach (var course in courses)
            await user.Http.PostAsJsonAsync("/cart/", new { course_id = course.Id, expire_time = 0 });
        await user.Http.PutAsJsonAsync("/cart/", new { course_id = courses[1].Id, selected = false });
        var cart = app.Services.GetRequiredService<Luffy.Infrastructure.Cart.CartStore>();

        await cart.SetAllSelectedAsync(user.Id, true);
        Assert.All(await cart.GetAsync(user.Id), item => Assert.True(item.Selected));
        await cart.SetAllSelectedAsync(user.Id, false);
        var items = await cart.GetAsync(user.Id);
        Assert.Equal(courses.Select(c => c.Id).Order(), items.Select(i => i.CourseId));
        Assert.All(items, item => Assert.False(item.Selected));
        Assert.Empty((await user.Http.GetFromJsonAsync<JsonElement>("/cart/order/")).EnumerateArray());

        // An empty cart: nothing to select, and nothing appears.
        var empty = await app.StudentAsync();
        await cart.SetAllSelectedAsync(empty.Id, true);
        Assert.Empty(await cart.GetAsync(empty.Id));
    }

    [Fact]
    public async Task Minus_one_and_missing_expire_time_mean_permanent()
    {
        var user = await app.StudentAsync();
        var a = await app.CourseAsync();
        var b = await app.CourseAsync();
        await user.Http.PostAsJsonAsync("/cart/", new { course_id = a.Id, expire_time = -1 });
        await user.Http.PostAsJsonAsync("/cart/", new { course_id = b.Id });
        var lines = (await user.Http.GetFromJsonAsync<JsonElement>("/cart/")).EnumerateArray().ToList();
        Assert.All(lines, l => Assert.Equal(0, l.GetProperty("expire_time").GetInt32()));
        Assert.All(lines, l => Assert.Equal("永久有效", l.GetProperty("expire_text").GetString()));
    }

    [Fact]
    public async Task Tutorial_client_may_send_numbers_as_strings()
    {
        var user = await app.StudentAsync();
        var course = await app.CourseAsync();
        var added = await user.Http.SendRawAsync(HttpMethod.Post, "/cart/", $$"""{"course_id":"{{course.Id}}","expire_time":"30"}""");
        Assert.Equal(HttpStatusCode.OK, added.StatusCode);
    }

    public static TheoryData<string, string, HttpStatusCode> BadAdds => new()
    {
        { "unknown course", """{"course_id":999999}""", HttpStatusCode.NotFound },
        { "option not offered", """{"course_id":{id},"expire_time":45}""", HttpStatusCode.BadRequest },
        { "negative option", """{"course_id":{id},"expire_time":-30}""", HttpStatusCode.BadRequest },
        { "missing course_id", """{"expire_time":30}""", HttpStatusCode.BadRequest },
        { "course_id of the wrong type", """{"course_id":"abc"}""", HttpStatusCode.BadRequest },
        { "course_id a fraction", """{"course_id":1.5}""", HttpStatusCode.BadRequest },
        { "malformed JSON", """{"course_id":""", HttpStatusCode.BadRequest },
        { "not an object", """[1,2]""", HttpStatusCode.BadRequest },
    };

    [Theory]
    [MemberData(nameof(BadAdds))]
    public async Task Bad_add_is_refused_with_a_message_and_changes_nothing(string why, string body, HttpStatusCode status)
    {
        var user = await app.StudentAsync();
        var existing = await app.CourseAsync();
        await user.Http.PostAsJsonAsync("/cart/", new { course_id = existing.Id, expire_time = 30 });
        var before = await CartJson(user);
        var course = await app.CourseAsync();

        var response = await user.Http.SendRawAsync(HttpMethod.Post, "/cart/", body.Replace("{id}", course.Id.ToString()));

        Assert.True(status == response.StatusCode, $"{why}: {response.StatusCode}");
        Assert.False(string.IsNullOrWhiteSpace(await response.MessageAsync()), why);
        Assert.Equal(before, await CartJson(user));
    }

    [Fact]
    public async Task Course_not_on_sale_cannot_be_added()
    {
        var user = await app.StudentAsync();
        var course = await app.CourseAsync(onSale: false);
        var response = await user.Http.PostAsJsonAsync("/cart/", new { course_id = course.Id });
        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Equal("课程已下架", await response.MessageAsync());
        Assert.Equal("[]", await CartJson(user));
    }

    [Fact]
    public async Task Cart_holds_at_most_fifty_courses()
    {
        var user = await app.StudentAsync();
        var courses = new List<Course>();
        for (var i = 0; i < 51; i++)
            courses.Add(await app.CourseAsync());
        foreach (var course in courses.Take(50))
            Assert.Equal(HttpStatusCode.OK, (await user.Http.PostAsJsonAsync("/cart/", new { course_id = course.Id })).StatusCode);

        var refused = await user.Http.PostAsJsonAsync("/cart/", new { course_id = courses[50].Id });
        Assert.Equal(HttpStatusCode.BadRequest, refused.StatusCode);
        Assert.Contains("50", await refused.MessageAsync());
        Assert.Equal(50, (await user.Http.GetFromJsonAsync<JsonElement>("/cart/")).GetArrayLength());

        // Changing a course already in a full cart is not adding one.
        var again = await user.Http.PostAsJsonAsync("/cart/", new { course_id = courses[0].Id, expire_time = 30 });
        Assert.Equal(HttpStatusCode.OK, again.StatusCode);
    }

    [Fact]
    public async Task Concurrent_adds_never_exceed_fifty()
    {
        var user = await app.StudentAsync();
        var courses = new List<Course>();
        for (var i = 0; i < 60; i++)
            courses.Add(await app.CourseAsync());
        var responses = await Task.WhenAll(courses.Select(c => user.Http.PostAsJsonAsync("/cart/", new { course_id = c.Id })));
        Assert.Equal(50, responses.Count(r => r.StatusCode == HttpStatusCode.OK));
        Assert.Equal(10, responses.Count(r => r.StatusCode == HttpStatusCode.BadRequest));
        Assert.Equal(50, (await user.Http.GetFromJsonAsync<JsonElement>("/cart/")).GetArrayLength());
    }

    [Fact]
    public async Task Put_selects_and_unselects()
    {
        var user = await app.StudentAsync();
        var a = await app.CourseAsync();
        var b = await app.CourseAsync();
        await user.Http.PostAsJsonAsync("/cart/", new { course_id = a.Id });
        await user.Http.PostAsJsonAsync("/cart/", new { course_id = b.Id });

        var put = await user.Http.PutAsJsonAsync("/cart/", new { course_id = a.Id, selected = false });
        Assert.Equal(HttpStatusCode.OK, put.StatusCode);
        var checkout = await user.Http.GetFromJsonAsync<JsonElement>("/cart/order/");
        Assert.Equal([b.Id], checkout.EnumerateArray().Select(l => l.GetProperty("course_id").GetInt32()));

        await user.Http.PutAsJsonAsync("/cart/", new { course_id = a.Id, selected = true });
        Assert.Equal(2, (await user.Http.GetFromJsonAsync<JsonElement>("/cart/order/")).GetArrayLength());
    }

    [Fact]
    public async Task Patch_changes_the_option_and_answers_its_prices()
    {
        var user = await app.StudentAsync();
        var course = await app.CourseAsync(100m, ("限时减免", "-20", 0));
        await user.Http.PostAsJsonAsync("/cart/", new { course_id = course.Id });

        var patch = await user.Http.PatchAsJsonAsync("/cart/", new { course_id = course.Id, expire_time = 180 });
        Assert.Equal(HttpStatusCode.OK, patch.StatusCode);
        var body = await patch.JsonAsync();
        Assert.Equal(85m, body.Decimal("price"));
        Assert.Equal(65m, body.Decimal("real_price"));
        var line = (await user.Http.GetFromJsonAsync<JsonElement>("/cart/"))[0];
        Assert.Equal(180, line.GetProperty("expire_time").GetInt32());
    }

    [Fact]
    public async Task Delete_takes_course_id_from_query_or_body()
    {
        var user = await app.StudentAsync();
        var a = await app.CourseAsync();
        var b = await app.CourseAsync();
        await user.Http.PostAsJsonAsync("/cart/", new { course_id = a.Id });
        await user.Http.PostAsJsonAsync("/cart/", new { course_id = b.Id });

        Assert.Equal(HttpStatusCode.OK, (await user.Http.DeleteAsync($"/cart/?course_id={a.Id}")).StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await user.Http.SendJsonAsync(HttpMethod.Delete, "/cart/", new { course_id = b.Id })).StatusCode);
        Assert.Equal("[]", await CartJson(user));
        Assert.Equal("[]", (await user.Http.GetStringAsync("/cart/order/")));
    }

    [Fact]
    public async Task Changing_a_course_that_is_not_in_the_cart_is_404_and_changes_nothing()
    {
        var user = await app.StudentAsync();
        var inCart = await app.CourseAsync();
        var other = await app.CourseAsync();
        await user.Http.PostAsJsonAsync("/cart/", new { course_id = inCart.Id });
        var before = await CartJson(user);

        var responses = new[]
        {
            await user.Http.PutAsJsonAsync("/cart/", new { course_id = other.Id, selected = false }),
            await user.Http.PatchAsJsonAsync("/cart/", new { course_id = other.Id, expire_time = 30 }),
            await user.Http.DeleteAsync($"/cart/?course_id={other.Id}"),
            await user.Http.PatchAsJsonAsync("/cart/", new { course_id = 999999, expire_time = 30 }),
        };
        Assert.All(responses, r => Assert.Equal(HttpStatusCode.NotFound, r.StatusCode));
        Assert.Equal(before, await CartJson(user));
    }

    [Fact]
    public async Task Bad_put_patch_and_delete_are_400_and_change_nothing()
    {
        var user = await app.StudentAsync();
        var course = await app.CourseAsync();
        await user.Http.PostAsJsonAsync("/cart/", new { course_id = course.Id, expire_time = 30 });
        var before = await CartJson(user);

        var responses = new[]
        {
            await user.Http.SendRawAsync(HttpMethod.Put, "/cart/", $$"""{"course_id":{{course.Id}}}"""),
            await user.Http.SendRawAsync(HttpMethod.Put, "/cart/", $$"""{"course_id":{{course.Id}},"selected":"maybe"}"""),
            await user.Http.SendRawAsync(HttpMethod.Patch, "/cart/", $$"""{"course_id":{{course.Id}},"expire_time":7}"""),
            await user.Http.SendRawAsync(HttpMethod.Patch, "/cart/", $$"""{"course_id":{{course.Id}}}"""),
            await user.Http.SendRawAsync(HttpMethod.Patch, "/cart/", "not json"),
            await user.Http.DeleteAsync("/cart/"),
            await user.Http.DeleteAsync("/cart/?course_id=abc"),
        };
        foreach (var response in responses)
        {
            Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
            Assert.False(string.IsNullOrWhiteSpace(await response.MessageAsync()));
        }
        Assert.Equal(before, await CartJson(user));
    }

    [Fact]
    public async Task Carts_are_per_user()
    {
        var alice = await app.StudentAsync();
        var bob = await app.StudentAsync();
        var course = await app.CourseAsync();
        await alice.Http.PostAsJsonAsync("/cart/", new { course_id = course.Id });

        Assert.Equal("[]", await CartJson(bob));
        Assert.Equal(HttpStatusCode.NotFound, (await bob.Http.DeleteAsync($"/cart/?course_id={course.Id}")).StatusCode);
        Assert.Equal(1, (await alice.Http.GetFromJsonAsync<JsonElement>("/cart/")).GetArrayLength());
    }

    [Fact]
    public async Task Checkout_list_shows_selected_courses_with_option_text_and_discount()
    {
        var user = await app.StudentAsync();
        var tiered = await app.CourseAsync(300m, ("满减", "满100-10\n满200-25", 0));
        await user.Http.PostAsJsonAsync("/cart/", new { course_id = tiered.Id, expire_time = 30 });

        var line = (await user.Http.GetFromJsonAsync<JsonElement>("/cart/order/"))[0];
        Assert.Equal("1个月有效", line.GetProperty("expire_text").GetString());
        Assert.Equal(120m, line.Decimal("price"));
        Assert.Equal(110m, line.Decimal("real_price"));
        Assert.Equal("满减", line.GetProperty("discount_name").GetString());

        await user.Http.PatchAsJsonAsync("/cart/", new { course_id = tiered.Id, expire_time = 0 });
        line = (await user.Http.GetFromJsonAsync<JsonElement>("/cart/order/"))[0];
        Assert.Equal(275m, line.Decimal("real_price"));
    }

    [Theory]
    [InlineData(1)]
    [InlineData(20)]
    public async Task Checkout_list_costs_one_sql_query_whatever_the_number_of_items(int count)
    {
        var user = await app.StudentAsync();
        for (var i = 0; i < count; i++)
        {
            var course = await app.CourseAsync(50m + i, i % 2 == 0 ? ("限时折扣", "*0.9", 0) : null);
            await user.Http.PostAsJsonAsync("/cart/", new { course_id = course.Id, expire_time = i % 3 == 0 ? 0 : 90 });
        }
        // The courses come from the database, not from the catalog cache the additions filled.
        app.Services.GetRequiredService<CatalogCache>().Clear();

        var response = await user.Http.GetAsync("/cart/order/");

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal(count, (await response.JsonAsync()).GetArrayLength());
        Assert.Equal(1, response.SqlCommands());
        app.Services.GetRequiredService<CatalogCache>().Clear();
        var cart = await user.Http.GetAsync("/cart/");
        Assert.Equal(1, cart.SqlCommands());
    }

    [Fact]
    public async Task Course_deleted_or_taken_off_sale_after_carting_is_left_out_and_reported()
    {
        var user = await app.StudentAsync();
        var kept = await app.CourseAsync();
        var deleted = await app.CourseAsync();
        var offSale = await app.CourseAsync();
        foreach (var c in new[] { kept, deleted, offSale })
            await user.Http.PostAsJsonAsync("/cart/", new { course_id = c.Id });
        await app.ChangeCatalogAsync(async db =>
        {
            await db.Courses.Where(c => c.Id == deleted.Id).ExecuteDeleteAsync();
            await db.Courses.Where(c => c.Id == offSale.Id).ExecuteUpdateAsync(c => c.SetProperty(x => x.IsOnSale, false));
        });

        var checkout = await user.Http.GetAsync("/cart/order/");
        Assert.Equal(HttpStatusCode.OK, checkout.StatusCode);
        Assert.Equal([kept.Id], (await checkout.JsonAsync()).EnumerateArray().Select(l => l.GetProperty("course_id").GetInt32()));
        var reported = checkout.Headers.GetValues("X-Unavailable-Courses").Single().Split(',').Select(int.Parse).Order();
        Assert.Equal(new[] { deleted.Id, offSale.Id }.Order(), reported);

        var cart = (await user.Http.GetFromJsonAsync<JsonElement>("/cart/")).EnumerateArray()
            .ToDictionary(l => l.GetProperty("course_id").GetInt32());
        Assert.True(cart[kept.Id].GetProperty("available").GetBoolean());
        Assert.Equal("课程不存在", cart[deleted.Id].GetProperty("unavailable_reason").GetString());
        Assert.Equal("课程已下架", cart[offSale.Id].GetProperty("unavailable_reason").GetString());

        Assert.Equal(HttpStatusCode.OK, (await user.Http.DeleteAsync($"/cart/?course_id={deleted.Id}")).StatusCode);
    }
}
