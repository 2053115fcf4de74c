using System.Net.Http.Headers;
using Luffy.Web.Tests.Infrastructure;

namespace Luffy.Web.Tests;

/// <summary>Malformed bodies that a handler reads itself: a 400 with a message or the protocol's refusal, never a 500.</summary>
public sealed class ApiBadInputTests(SqliteGarnetApp app) : IClassFixture<SqliteGarnetApp>
{
    [Theory]
    [InlineData("{\"course_id\":\"x\"}", "参数 course_id 的格式不正确")]
    [InlineData("{\"course_id\":99999999999}", "参数 course_id 的格式不正确")]
    [InlineData("{", "请求体不是有效的 JSON")]
    public async Task Removing_from_the_cart_with_an_unreadable_body_is_a_400(string body, string message)
    {
        var student = await app.StudentAsync();
        var course = await app.CourseAsync();
        await student.CartAsync(0, course);

        var response = await student.Http.SendRawAsync(HttpMethod.Delete, "/cart/", body);

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Equal(message, await response.MessageAsync());
        Assert.Single((await student.Http.GetFromJsonAsync<JsonElement>("/cart/")).EnumerateArray());
    }

    [Theory]
    [InlineData("POST", "/orders/", "", "缺少请求体或格式不正确")]
    [InlineData("PUT", "/cart/", "", "缺少请求体或格式不正确")]
    [InlineData("GET", "/orders/?page=abc", null, "请求参数不正确")]
    [InlineData("GET", "/payments/alipay/url/?order_number=1&coupon_id=x", null, "请求参数不正确")]
    public async Task What_the_binder_refuses_is_a_400_saying_whether_the_body_or_a_parameter_is_at_fault(string method, string url, string? body, string message)
    {
        var student = await app.StudentAsync();
        var request = new HttpRequestMessage(new HttpMethod(method), url);
        if (body is not null)
            request.Content = new StringContent(body, System.Text.Encoding.UTF8, "application/json");

        var response = await student.Http.SendAsync(request);

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Equal(message, await response.MessageAsync());
        Assert.Equal(0, await app.WithDbAsync(db => db.Orders.CountAsync(o => o.UserId == student.Id)));
    }

    [Theory]
    [InlineData("multipart/form-data; boundary=b", "garbage", HttpStatusCode.OK)]
    [InlineData("multipart/form-data; boundary=b", "--b\r\nContent-Disposition: form-data; name=\"out_trade_no\"\r\n\r\n1", HttpStatusCode.OK)]
    [InlineData("application/x-www-form-urlencoded", null, HttpStatusCode.BadRequest)]
    public async Task A_notify_whose_form_cannot_be_read_is_answered_failure(string contentType, string? body, HttpStatusCode status)
    {
        // A key over FormOptions' 2 KB.
        var content = new StringContent(body ?? new string('k', 3000) + "=1");
        content.Headers.ContentType = MediaTypeHeaderValue.Parse(contentType);
        var response = await app.Anonymous().PostAsync("/payments/alipay/result/", content);

        Assert.Equal(status, response.StatusCode);
        Assert.Equal("failure", await response.Content.ReadAsStringAsync());
    }
}
