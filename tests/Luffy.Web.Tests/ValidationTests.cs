using Luffy.Web.Tests.Infrastructure;

namespace Luffy.Web.Tests;

/// <summary>
/// The framework's request validation (DataAnnotations on the request records and parameters): a 400 whose body
/// carries the Chinese <c>message</c>, as every refusal of the API does, beside the fields' <c>errors</c>; the
/// handler never runs, so nothing changes.
/// </summary>
public sealed class ValidationTests(SqliteGarnetApp app) : IClassFixture<SqliteGarnetApp>
{
    private static async Task AssertRefusedAsync(HttpResponseMessage response, string field, string message)
    {
        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
        var body = await response.JsonAsync();
        Assert.Equal(message, body.GetProperty("message").GetString());
        // Each field under the name the client sends it by.
        var errors = body.GetProperty("errors");
        Assert.Equal([field], errors.EnumerateObject().Select(e => e.Name));
        Assert.Equal([message], errors.GetProperty(field).EnumerateArray().Select(m => m.GetString()));
    }

    private static Task<string> CartAsync(UserClient user) => user.Http.GetStringAsync("/cart/");

    [Theory]
    [InlineData("POST", """{"expire_time":30}""", "course_id")]
    [InlineData("POST", """{"course_id":null}""", "course_id")]
    [InlineData("PUT", """{"course_id":{id}}""", "selected")]
    [InlineData("PUT", """{"selected":false}""", "course_id")]
    [InlineData("PATCH", """{"course_id":{id}}""", "expire_time")]
    public async Task A_cart_request_without_a_required_field_is_a_400_naming_it_and_changes_nothing(string method, string body, string field)
    {
        var user = await app.StudentAsync();
        var course = await app.CourseAsync();
        await user.CartAsync(30, course);
        var before = await CartAsync(user);

        var response = await user.Http.SendRawAsync(new HttpMethod(method), "/cart/", body.Replace("{id}", course.Id.ToString()));

        await AssertRefusedAsync(response, field, $"缺少参数 {field}");
        Assert.Equal(before, await CartAsync(user));
    }

    [Fact]
    public async Task An_order_with_an_unknown_pay_type_is_a_400_and_places_nothing()
    {
        var user = await app.StudentAsync();
        await user.CartAsync(0, await app.CourseAsync(10m));
        var before = await CartAsync(user);

        await AssertRefusedAsync(await user.OrderAsync(payType: 3), "pay_type", "pay_type 应为 1（支付宝）或 2（微信支付）");

        Assert.Equal(0, await app.WithDbAsync(db => db.Orders.CountAsync(o => o.UserId == user.Id)));
        Assert.Equal(before, await CartAsync(user));
    }

    [Theory]
    [InlineData("/orders/?status=9", "status", "status 应为 0 到 5")]
    [InlineData("/orders/?status=-1", "status", "status 应为 0 到 5")]
    [InlineData("/payments/alipay/url/", "order_number", "缺少参数 order_number")]
    [InlineData("/payments/alipay/url/?order_number=%20%20", "order_number", "缺少参数 order_number")]
    public async Task A_query_parameter_out_of_shape_is_a_400_naming_it(string url, string field, string message)
    {
        var user = await app.StudentAsync();
        await AssertRefusedAsync(await user.Http.GetAsync(url), field, message);
    }

    [Fact]
    public async Task A_request_in_shape_reaches_the_handler()
    {
        var user = await app.StudentAsync();
        var course = await app.CourseAsync();
        await user.CartAsync(30, course);

        var listed = await user.Http.GetAsync("/orders/?status=2");
        Assert.Equal(HttpStatusCode.OK, listed.StatusCode);
        var selected = await user.Http.SendJsonAsync(HttpMethod.Put, "/cart/", new { course_id = course.Id, selected = false });
        Assert.Equal(HttpStatusCode.OK, selected.StatusCode);
        Assert.Equal("已取消勾选", await selected.MessageAsync());
    }
}
