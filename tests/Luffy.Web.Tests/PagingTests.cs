using Luffy.Web.Tests.Infrastructure;

namespace Luffy.Web.Tests;

public sealed class PagingBadInputTestsOnSqlite(SqliteGarnetApp app) : PagingBadInputTests(app), IClassFixture<SqliteGarnetApp>;

public sealed class PagingBadInputTestsOnPostgres(PostgresRedisApp app) : PagingBadInputTests(app), IClassFixture<PostgresRedisApp>;

/// <summary>Pages whose offset would not fit an int: refused with a message, not wrapped round to page 1 nor a 500.</summary>
public abstract class PagingBadInputTests(LuffyApp app)
{
    [Theory]
    [InlineData("/courses/?page=429496730&size=10", "page 过大：每页 10 条时 page 最大为 214748365")]
    [InlineData("/courses/?page=2147483647&size=50", "page 过大：每页 50 条时 page 最大为 42949673")]
    [InlineData("/orders/?page=2147483647&size=50", "page 过大：每页 50 条时 page 最大为 42949673")]
    [InlineData("/orders/?page=2147483647", "page 过大：每页 10 条时 page 最大为 214748365")]
    public async Task A_page_past_the_largest_offset_is_a_400(string url, string message)
    {
        await app.CourseAsync();
        var student = await app.StudentAsync();
        var response = await student.Http.GetAsync(url);
        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Equal(message, await response.MessageAsync());
    }

    [Theory]
    [InlineData("/courses/?page=214748365&size=10")]
    [InlineData("/orders/?page=42949673&size=50")]
    public async Task The_last_page_that_fits_is_empty(string url)
    {
        await app.CourseAsync();
        var student = await app.StudentAsync();
        var page = await student.Http.GetFromJsonAsync<JsonElement>(url);
        Assert.Equal(0, page.GetProperty("results").GetArrayLength());
    }
}
