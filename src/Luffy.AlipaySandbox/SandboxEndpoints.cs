using System.Net;
using System.Text;
using System.Text.Json;
using Luffy.Domain;
using Luffy.Infrastructure.Alipay;
using Microsoft.Extensions.DependencyInjection.Extensions;

namespace Luffy.AlipaySandbox;

/// <summary>
/// The sandbox gateway: <c>gateway.do</c> speaking the real protocol (page.pay with a cashier page, query, close,
/// refund, refund query, the bill's download URL and the bill behind it), plus <c>sandbox/…</c> endpoints that pay a trade without a browser and show a trade's state.
/// </summary>
public static class SandboxEndpoints
{
    private const string Style = """
        body { font-family: sans-serif; background: #f5f5f5; margin: 0; }
        header { background: #1677ff; color: #fff; padding: 14px 24px; font-size: 18px; }
        main { max-width: 480px; margin: 32px auto; background: #fff; padding: 24px; border-radius: 8px; }
        .label { color: #888; margin: 12px 0 2px; font-size: 13px; } .amount { font-size: 28px; color: #ff6a00; margin: 0; }
        button { width: 100%; padding: 12px; margin-top: 12px; border: 0; border-radius: 4px; font-size: 16px; cursor: pointer; }
        .pay { background: #1677ff; color: #fff; } .cancel { background: #eee; color: #333; }
        """;

    /// <summary>The 返回 link of the cancelled-payment page.</summary>
    private const string BackScript = "document.getElementById(\"back\").addEventListener(\"click\", function (e) { e.preventDefault(); history.back(); });";

    /// <summary>
    /// The pages' one inline style and one inline script, allowed by hash; nothing else loads, nobody frames the cashier.
    /// No form-action: paying redirects to the merchant's return URL, on another origin when the sandbox runs alone.
    /// </summary>
    private static readonly string ContentSecurityPolicy =
        $"default-src 'none'; style-src '{Sha256(Style)}'; script-src '{Sha256(BackScript)}'; base-uri 'none'; frame-ancestors 'none'";

    private static string Sha256(string inline) => "sha256-" + Convert.ToBase64String(System.Security.Cryptography.SHA256.HashData(Encoding.UTF8.GetBytes(inline)));

    public static IServiceCollection AddAlipaySandbox(this IServiceCollection services, SandboxOptions options)
    {
        services.TryAddSingleton(TimeProvider.System);
        services.AddSingleton(options);
        services.AddSingleton<SandboxKeys>();
        services.AddSingleton<SandboxTrades>();
        services.AddSingleton<SandboxBills>();
        services.AddSingleton<NotifySender>();
        services.AddHttpClient(NotifySender.HttpClientName, c => c.Timeout = TimeSpan.FromSeconds(15));
        return services;
    }

    public static IEndpointRouteBuilder MapAlipaySandbox(this IEndpointRouteBuilder app, string prefix = "")
    {
        var sandbox = app.MapGroup(prefix).WithTags("Alipay sandbox").ExcludeFromDescription().DisableAntiforgery();
        sandbox.AddEndpointFilter(async (context, next) =>
        {
            var headers = context.HttpContext.Response.Headers;
            headers.ContentSecurityPolicy = ContentSecurityPolicy;
            headers.XContentTypeOptions = "nosniff";
            headers.XFrameOptions = "DENY";
            headers["Referrer-Policy"] = "strict-origin-when-cross-origin";
            return await next(context);
        });
        sandbox.MapMethods("/gateway.do", ["GET", "POST"], Gateway);
        sandbox.MapPost("/cashier/{outTradeNo}/pay", (string outTradeNo, SandboxTrades trades, NotifySender notify) =>
        {
            if (trades.Find(outTradeNo) is not { } trade)
                return Page("交易不存在", "<p>没有这笔交易。</p>", HttpStatusCode.NotFound);
            if (trades.Pay(trade) is { } error)
                return Page("无法付款", $"<p>{Html(error)}</p>", HttpStatusCode.Conflict);
            notify.Start(trade);
            return Results.Redirect(WithQuery(trade.ReturnUrl!, trades.ReturnParameters(trade)));
        });
        sandbox.MapPost("/cashier/{outTradeNo}/cancel", (string outTradeNo) =>
            Page("已取消付款", $"<p>您已取消付款，订单在支付期限内仍可重新支付。</p><p><a href=\"#\" id=\"back\">返回</a></p><script>{BackScript}</script>", HttpStatusCode.OK));

        // Scripted payment for tests and benchmarks: ?notify=false pays without sending the notification.
        sandbox.MapPost("/sandbox/trades/{outTradeNo}/pay", (string outTradeNo, bool? notify, SandboxTrades trades, NotifySender sender) =>
        {
            if (trades.Find(outTradeNo) is not { } trade)
                return Results.NotFound(new { message = "交易不存在" });
            if (trades.Pay(trade) is { } error)
                return Results.Conflict(new { message = error });
            if (notify ?? true)
                sender.Start(trade);
            return Results.Ok(new { trade_no = trade.TradeNo, return_url = WithQuery(trade.ReturnUrl!, trades.ReturnParameters(trade)) });
        });
        // Scripted second payment of an order already paid (a buyer who paid twice): a new trade, notified.
        sandbox.MapPost("/sandbox/trades/{outTradeNo}/pay-again", (string outTradeNo, SandboxTrades trades, NotifySender sender) =>
        {
            if (trades.PayAgain(outTradeNo) is not { } second)
                return Results.Conflict(new { message = "交易不存在或尚未支付" });
            sender.Start(second);
            return Results.Ok(new { trade_no = second.TradeNo });
        });
        sandbox.MapGet("/sandbox/trades/{outTradeNo}", (string outTradeNo, SandboxTrades trades) =>
            trades.Find(outTradeNo) is { } t
                ? Results.Ok(new
                {
                    out_trade_no = t.OutTradeNo, status = t.Status.ToString(), total_amount = AlipayFormats.Amount(t.TotalAmount),
                    trade_no = t.TradeNo, refunded = AlipayFormats.Amount(t.Refunded), notify_attempts = t.NotifyAttempts,
                    refunds = t.Refunds.Select(r => new { out_request_no = r.RequestNo, amount = AlipayFormats.Amount(r.Amount), reason = r.Reason }).ToList(),
                    notify_acknowledged = t.NotifyAcknowledged,
                })
                : Results.NotFound(new { message = "交易不存在" }));
        // Scripted faults for tests run against a separate sandbox: the next refund calls fail as asked.
        sandbox.MapPost("/sandbox/faults/refund", (string? fault, int? times, SandboxTrades trades) =>
        {
            if (!Enum.TryParse<RefundFault>(fault, ignoreCase: true, out var parsed) || parsed == RefundFault.None || times is < 1 or > 100)
                return Results.BadRequest(new { message = "fault 应为 unavailable、systemerror 或 answerlost，times 为 1 到 100" });
            trades.InjectRefundFault(parsed, times ?? 1);
            return Results.Ok(new { fault = parsed.ToString(), times = times ?? 1 });
        });
        // The bill's short-lived link (alipay.data.dataservice.bill.downloadurl.query): the zip, or 404 once it expired.
        sandbox.MapGet(SandboxBills.DownloadPath, (string? token, SandboxBills bills) =>
            bills.Download(token) is var (zip, name)
                ? Results.File(zip, "application/zip", name)
                : Results.Text("账单链接不存在或已失效", "text/plain; charset=utf-8", Encoding.UTF8, StatusCodes.Status404NotFound));
        sandbox.MapGet("/sandbox/trades/{outTradeNo}/notification", (string outTradeNo, SandboxTrades trades) =>
            trades.Find(outTradeNo) is { TradeNo: not null } t ? Results.Ok(trades.Notification(t)) : Results.NotFound(new { message = "交易未支付" }));
        return app;
    }

    private static async Task<IResult> Gateway(HttpContext http, SandboxOptions options, SandboxKeys keys, SandboxTrades trades, SandboxBills bills, NotifySender notify, TimeProvider clock)
    {
        var parameters = new Dictionary<string, string?>(StringComparer.Ordinal);
        foreach (var (key, value) in http.Request.Query)
            parameters[key] = value.ToString();
        if (http.Request.HasFormContentType)
            foreach (var (key, value) in await http.Request.ReadFormAsync())
                parameters[key] = value.ToString();

        var method = parameters.GetValueOrDefault("method") ?? "";
        var pagePay = method == AlipayClient.PagePay;
        IResult Fail(string subCode, string subMsg) => pagePay
            ? Page("支付宝沙箱：请求错误", $"<p>错误代码 40002 {Html(subCode)}</p><p>{Html(subMsg)}</p>", HttpStatusCode.BadRequest)
            : Signed(method, keys, new() { ["code"] = "40002", ["msg"] = "Invalid Arguments", ["sub_code"] = subCode, ["sub_msg"] = subMsg });

        if (parameters.GetValueOrDefault("app_id") != options.AppId)
            return Fail("isv.invalid-app-id", "无效的AppID参数");
        if (parameters.GetValueOrDefault("sign_type") != "RSA2")
            return Fail("isv.invalid-signature-type", "无效的签名类型");
        if (!AlipaySignature.VerifyRequest(parameters, keys.MerchantPublicKey))
            return Fail("isv.invalid-signature", "验签出错");
        if (!AlipayFormats.TryParseTime(parameters.GetValueOrDefault("timestamp"), out _))
            return Fail("isv.invalid-timestamp", "非法的时间戳参数");
        Dictionary<string, JsonElement> biz;
        try
        {
            biz = JsonSerializer.Deserialize<Dictionary<string, JsonElement>>(parameters.GetValueOrDefault("biz_content") ?? "") ?? [];
        }
        catch (JsonException)
        {
            return Fail("isv.invalid-parameter", "biz_content 不是有效的 JSON");
        }
        string? Biz(string name) => biz.TryGetValue(name, out var v) && v.ValueKind == JsonValueKind.String ? v.GetString() : null;
        var mountedAt = http.Request.PathBase + (http.Request.Path.Value ?? "").Replace("/gateway.do", "", StringComparison.Ordinal);
        if (method == AlipayClient.BillDownloadUrlQuery)
            return Signed(method, keys, bills.Query(Biz("bill_type"), Biz("bill_date"), $"{http.Request.Scheme}://{http.Request.Host}{mountedAt}"));
        var outTradeNo = Biz("out_trade_no");
        if (string.IsNullOrEmpty(outTradeNo))
            return Fail("isv.missing-out-trade-no", "缺少商户订单号");

        switch (method)
        {
            case AlipayClient.PagePay:
            {
                if (!AlipayFormats.TryParseAmount(Biz("total_amount"), out var amount))
                    return Fail("isv.invalid-total-amount", "订单金额格式错误");
                if (string.IsNullOrWhiteSpace(Biz("subject")))
                    return Fail("isv.missing-subject", "缺少订单标题");
                DateTime? expire = null;
                if (Biz("time_expire") is { } text)
                {
                    if (!AlipayFormats.TryParseTime(text, out var parsed))
                        return Fail("isv.invalid-time-expire", "绝对超时时间格式错误");
                    expire = parsed;
                }
                var (trade, subCode, subMsg) = trades.Open(outTradeNo, amount, Biz("subject")!, parameters.GetValueOrDefault("notify_url"), parameters.GetValueOrDefault("return_url"), expire);
                if (trade is null)
                    return Page("支付宝沙箱：无法支付", $"<p>{Html(subCode!)}</p><p>{Html(subMsg!)}</p>", HttpStatusCode.Conflict);
                return Cashier(trade, mountedAt);
            }
            case "alipay.trade.query":
            {
                if (trades.Find(outTradeNo) is not { } trade)
                    return Signed(method, keys, NotFound());
                lock (trade)
                    return Signed(method, keys, new()
                    {
                        ["code"] = "10000", ["msg"] = "Success", ["out_trade_no"] = trade.OutTradeNo, ["trade_no"] = trade.TradeNo,
                        ["trade_status"] = trade.Status.ToString(), ["total_amount"] = AlipayFormats.Amount(trade.TotalAmount),
                        ["send_pay_date"] = trade.GmtPayment is { } paid ? AlipayFormats.Time(paid) : null, ["buyer_logon_id"] = "buy***@sandbox.com",
                    });
            }
            case "alipay.trade.close":
            {
                var (ok, subCode, subMsg) = trades.Close(outTradeNo);
                return Signed(method, keys, ok
                    ? new() { ["code"] = "10000", ["msg"] = "Success", ["out_trade_no"] = outTradeNo }
                    : new() { ["code"] = "40004", ["msg"] = "Business Failed", ["sub_code"] = subCode, ["sub_msg"] = subMsg });
            }
            case "alipay.trade.refund":
            {
                if (!AlipayFormats.TryParseAmount(Biz("refund_amount"), out var amount))
                    return Fail("isv.invalid-refund-amount", "退款金额格式错误");
                var requestNo = Biz("out_request_no") ?? outTradeNo;
                var fault = trades.NextRefundFault();
                if (fault == RefundFault.Unavailable)
                    return Results.StatusCode(StatusCodes.Status503ServiceUnavailable);
                if (fault == RefundFault.SystemError)
                    return Signed(method, keys, new() { ["code"] = "40004", ["msg"] = "Business Failed", ["sub_code"] = "ACQ.SYSTEM_ERROR", ["sub_msg"] = "系统错误" });
                var (trade, fresh, subCode, subMsg) = trades.Refund(outTradeNo, amount, requestNo, Biz("trade_no"), Biz("refund_reason"));
                if (trade is null)
                    return Signed(method, keys, new() { ["code"] = "40004", ["msg"] = "Business Failed", ["sub_code"] = subCode, ["sub_msg"] = subMsg });
                Money refunded;
                lock (trade)
                    refunded = trade.Refunded;
                if (fresh)
                    notify.StartRefund(trade, new RefundNotice(requestNo, clock.GetUtcNow().UtcDateTime, refunded));
                if (fault == RefundFault.AnswerLost)
                    return Results.StatusCode(StatusCodes.Status503ServiceUnavailable);
                return Signed(method, keys, new()
                {
                    ["code"] = "10000", ["msg"] = "Success", ["out_trade_no"] = outTradeNo, ["trade_no"] = trade.TradeNo,
                    ["fund_change"] = fresh ? "Y" : "N", ["refund_fee"] = AlipayFormats.Amount(refunded),
                });
            }
            case "alipay.trade.fastpay.refund.query":
            {
                if (Biz("out_request_no") is not { Length: > 0 } requestNo)
                    return Fail("isv.missing-out-request-no", "缺少退款请求号");
                var (trade, refund) = trades.FindRefund(outTradeNo, requestNo, Biz("trade_no"));
                if (trade is null)
                    return Signed(method, keys, NotFound());
                // As Alipay: a refund that was not made is an answer without refund data (code 10000 all the same).
                lock (trade)
                    return Signed(method, keys, refund is null
                        ? new() { ["code"] = "10000", ["msg"] = "Success", ["out_trade_no"] = trade.OutTradeNo, ["trade_no"] = trade.TradeNo, ["out_request_no"] = requestNo }
                        : new()
                        {
                            ["code"] = "10000", ["msg"] = "Success", ["out_trade_no"] = trade.OutTradeNo, ["trade_no"] = trade.TradeNo,
                            ["out_request_no"] = requestNo, ["total_amount"] = AlipayFormats.Amount(trade.TotalAmount),
                            ["refund_amount"] = AlipayFormats.Amount(refund.Amount), ["refund_reason"] = refund.Reason,
                            ["refund_status"] = "REFUND_SUCCESS", ["gmt_refund_pay"] = AlipayFormats.Time(refund.At),
                        });
            }
            default:
                return Fail("isv.invalid-method", "不存在的方法名");
        }
    }

    private static Dictionary<string, string?> NotFound() =>
        new() { ["code"] = "40004", ["msg"] = "Business Failed", ["sub_code"] = "ACQ.TRADE_NOT_EXIST", ["sub_msg"] = "交易不存在" };

    /// <summary>A JSON answer whose <c>sign</c> covers the exact text of the response node.</summary>
    private static IResult Signed(string method, SandboxKeys keys, Dictionary<string, string?> node)
    {
        var name = (method.Length == 0 ? "error" : method.Replace('.', '_')) + "_response";
        var text = JsonSerializer.Serialize(node.Where(p => p.Value is not null).ToDictionary(p => p.Key, p => p.Value),
            new JsonSerializerOptions { Encoder = System.Text.Encodings.Web.JavaScriptEncoder.UnsafeRelaxedJsonEscaping });
        var sign = AlipaySignature.Sign(text, keys.AlipayPrivateKey);
        return Results.Text($"{{\"{name}\":{text},\"sign\":\"{sign}\"}}", "application/json", Encoding.UTF8);
    }

    private static IResult Cashier(Trade trade, string basePath) => Page("支付宝沙箱收银台", $"""
        <div class="card">
          <p class="label">订单标题</p><p class="subject">{Html(trade.Subject)}</p>
          <p class="label">商户订单号</p><p>{Html(trade.OutTradeNo)}</p>
          <p class="label">应付金额</p><p class="amount">¥{AlipayFormats.Amount(trade.TotalAmount)}</p>
          <form method="post" action="{basePath}/cashier/{Uri.EscapeDataString(trade.OutTradeNo)}/pay"><button id="pay" class="pay">确认付款</button></form>
          <form method="post" action="{basePath}/cashier/{Uri.EscapeDataString(trade.OutTradeNo)}/cancel"><button id="cancel" class="cancel">取消</button></form>
        </div>
        """, HttpStatusCode.OK);

    private static IResult Page(string title, string body, HttpStatusCode status) => Results.Content($$"""
        <!DOCTYPE html>
        <html lang="zh-CN"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1">
        <title>{{Html(title)}}</title>
        <style>{{Style}}</style></head>
        <body><header>支付宝 · 沙箱环境</header><main><h2>{{Html(title)}}</h2>{{body}}</main></body></html>
        """, "text/html; charset=utf-8", Encoding.UTF8, (int)status);

    private static string Html(string text) => WebUtility.HtmlEncode(text);

    private static string WithQuery(string url, IEnumerable<KeyValuePair<string, string?>> parameters) =>
        url + (url.Contains('?') ? "&" : "?") + AlipayClient.FormEncode(parameters);
}
