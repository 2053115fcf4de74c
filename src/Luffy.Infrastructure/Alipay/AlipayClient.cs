using System.Security.Cryptography;
using System.Text;
using System.Text.Json;

namespace Luffy.Infrastructure.Alipay;

/// <summary>The merchant's side of the protocol: keys, ids and where Alipay (or the sandbox) is.</summary>
public sealed class AlipayMerchant(Func<string> gateway, string appId, RSA appPrivateKey, RSA alipayPublicKey)
{
    /// <summary>Asked at each call: the embedded sandbox's address is known only once the server listens.</summary>
    public string Gateway => gateway();
    public string AppId { get; } = appId;
    public RSA AppPrivateKey { get; } = appPrivateKey;
    public RSA AlipayPublicKey { get; } = alipayPublicKey;
}

/// <summary>A verified answer of an <c>alipay.trade.*</c> call: <c>code</c> 10000 is success.</summary>
public sealed record AlipayResponse(string Code, string Msg, string? SubCode, string? SubMsg, JsonElement Body)
{
    public bool IsSuccess => Code == "10000";

    public string? Get(string name) => Body.TryGetProperty(name, out var value) && value.ValueKind == JsonValueKind.String ? value.GetString() : null;
}

/// <summary>The answer could not be trusted (bad signature, malformed) or not had (network).</summary>
public sealed class AlipayException(string message, Exception? inner = null) : Exception(message, inner);

/// <summary>
/// Builds signed <c>alipay.trade.page.pay</c> URLs and calls <c>alipay.trade.query/close/refund</c>, verifying each
/// response's signature over the raw JSON text of its response node.
/// </summary>
public sealed class AlipayClient(HttpClient http, AlipayMerchant merchant, TimeProvider clock)
{
    public const string PagePay = "alipay.trade.page.pay";

    /// <summary>The URL that sends the buyer to the cashier.</summary>
    public string PagePayUrl(string outTradeNo, Money totalAmount, string subject, DateTime timeExpireUtc, string notifyUrl, string returnUrl)
    {
        var parameters = Common(PagePay);
        parameters["notify_url"] = notifyUrl;
        parameters["return_url"] = returnUrl;
        parameters["biz_content"] = JsonSerializer.Serialize(new Dictionary<string, string>
        {
            ["out_trade_no"] = outTradeNo,
            ["product_code"] = "FAST_INSTANT_TRADE_PAY",
            ["total_amount"] = AlipayFormats.Amount(totalAmount),
            ["subject"] = subject,
            ["time_expire"] = AlipayFormats.Time(timeExpireUtc),
        });
        parameters["sign"] = AlipaySignature.SignRequest(parameters, merchant.AppPrivateKey);
        return $"{merchant.Gateway}?{FormEncode(parameters)}";
    }

    public Task<AlipayResponse> QueryAsync(string outTradeNo, CancellationToken cancellationToken = default) =>
        ExecuteAsync("alipay.trade.query", new Dictionary<string, string> { ["out_trade_no"] = outTradeNo }, cancellationToken);

    public Task<AlipayResponse> CloseAsync(string outTradeNo, CancellationToken cancellationToken = default) =>
        ExecuteAsync("alipay.trade.close", new Dictionary<string, string> { ["out_trade_no"] = outTradeNo }, cancellationToken);

    /// <summary>
    /// Refunds <paramref name="amount"/> of a trade; <paramref name="requestNo"/> (out_request_no) makes a retried refund
    /// the same refund. <paramref name="tradeNo"/>, when given, names the trade: an order paid twice has two.
    /// </summary>
    public Task<AlipayResponse> RefundAsync(string outTradeNo, Money amount, string requestNo, string reason, string? tradeNo = null, CancellationToken cancellationToken = default)
    {
        var biz = new Dictionary<string, string>
        {
            ["out_trade_no"] = outTradeNo,
            ["refund_amount"] = AlipayFormats.Amount(amount),
            ["out_request_no"] = requestNo,
            ["refund_reason"] = reason,
        };
        if (!string.IsNullOrEmpty(tradeNo))
            biz["trade_no"] = tradeNo;
        return ExecuteAsync("alipay.trade.refund", biz, cancellationToken);
    }

    /// <summary>
    /// Asks about the refund <paramref name="requestNo"/> of a trade (<c>alipay.trade.fastpay.refund.query</c>): Alipay
    /// answers with its refund data when it was made (<see cref="IsRefunded"/>), without it when it was not.
    /// </summary>
    public Task<AlipayResponse> RefundQueryAsync(string outTradeNo, string requestNo, string? tradeNo = null, CancellationToken cancellationToken = default)
    {
        var biz = new Dictionary<string, string> { ["out_trade_no"] = outTradeNo, ["out_request_no"] = requestNo };
        if (!string.IsNullOrEmpty(tradeNo))
            biz["trade_no"] = tradeNo;
        return ExecuteAsync("alipay.trade.fastpay.refund.query", biz, cancellationToken);
    }

    /// <summary>
    /// Whether a refund query's answer says the refund was made: refund_status REFUND_SUCCESS. Without it the refund was
    /// not received or did not go through, as Alipay documents it (a retry with the same out_request_no is safe).
    /// </summary>
    public static bool IsRefunded(AlipayResponse query) =>
        query.IsSuccess && query.Get("refund_status") == "REFUND_SUCCESS" && !string.IsNullOrEmpty(query.Get("refund_amount"));

    public const string BillDownloadUrlQuery = "alipay.data.dataservice.bill.downloadurl.query";

    /// <summary>
    /// Asks where the bill of <paramref name="date"/> (a China day) is: Alipay answers <c>bill_download_url</c>, a link
    /// that works for about 30 seconds, or <c>isp.bill_not_exist</c> while the bill is not made yet.
    /// </summary>
    public Task<AlipayResponse> BillDownloadUrlAsync(string billType, DateOnly date, CancellationToken cancellationToken = default) =>
        ExecuteAsync(BillDownloadUrlQuery, new Dictionary<string, string>
        {
            ["bill_type"] = billType,
            ["bill_date"] = date.ToString("yyyy-MM-dd", System.Globalization.CultureInfo.InvariantCulture),
        }, cancellationToken);

    /// <summary>Downloads the bill a <see cref="BillDownloadUrlAsync"/> answer points at and reads its detail rows.</summary>
    public async Task<IReadOnlyList<AlipayBillRow>> DownloadBillAsync(string url, CancellationToken cancellationToken = default)
    {
        if (!Uri.TryCreate(url, UriKind.Absolute, out var uri) || uri.Scheme is not ("http" or "https"))
            throw new AlipayException("the bill's download URL is not an http(s) URL");
        byte[] zip;
        try
        {
            zip = await http.GetByteArrayAsync(uri, cancellationToken);
        }
        catch (Exception e) when (e is not OperationCanceledException || !cancellationToken.IsCancellationRequested)
        {
            throw new AlipayException($"the bill could not be downloaded ({e.GetType().Name})", e);
        }
        return AlipayBill.Read(zip);
    }

    /// <summary>True when a notification or return really comes from Alipay for this merchant.</summary>
    public bool IsAuthentic(IReadOnlyDictionary<string, string?> parameters) =>
        AlipaySignature.VerifyNotification(parameters, merchant.AlipayPublicKey) && parameters.GetValueOrDefault("app_id") == merchant.AppId;

    private async Task<AlipayResponse> ExecuteAsync(string method, Dictionary<string, string> biz, CancellationToken cancellationToken)
    {
        var parameters = Common(method);
        parameters["biz_content"] = JsonSerializer.Serialize(biz);
        parameters["sign"] = AlipaySignature.SignRequest(parameters, merchant.AppPrivateKey);
        byte[] body;
        try
        {
            using var content = new StringContent(FormEncode(parameters), Encoding.UTF8, "application/x-www-form-urlencoded");
            using var response = await http.PostAsync(merchant.Gateway, content, cancellationToken);
            response.EnsureSuccessStatusCode();
            body = await response.Content.ReadAsByteArrayAsync(cancellationToken);
        }
        catch (Exception e) when (e is not OperationCanceledException || !cancellationToken.IsCancellationRequested)
        {
            // Unreachable, an error status, a timeout, or the resilience pipeline giving up: the gateway did not answer.
            throw new AlipayException($"{method}: the gateway did not answer ({e.GetType().Name})", e);
        }
        return Parse(method, body, merchant.AlipayPublicKey);
    }

    /// <summary>Verifies <c>sign</c> over the exact text of <c>{method}_response</c> and reads it.</summary>
    public static AlipayResponse Parse(string method, ReadOnlyMemory<byte> body, RSA alipayPublicKey)
    {
        var node = method.Replace('.', '_') + "_response";
        JsonDocument document;
        try
        {
            document = JsonDocument.Parse(body);
        }
        catch (JsonException e)
        {
            throw new AlipayException($"{method}: the answer is not valid JSON", e);
        }
        using (document)
        {
            var root = document.RootElement;
            if (root.ValueKind != JsonValueKind.Object)
                throw new AlipayException($"{method}: the answer is not a JSON object");
            if (!root.TryGetProperty(node, out var response))
                throw new AlipayException($"{method}: the answer has no {node}");
            var sign = root.TryGetProperty("sign", out var s) && s.ValueKind == JsonValueKind.String ? s.GetString() : null;
            // The signature covers the node's text exactly as it came: GetRawText is that text, not a re-serialisation.
            if (!AlipaySignature.Verify(response.GetRawText(), sign, alipayPublicKey))
                throw new AlipayException($"{method}: the answer's signature does not verify");
            var element = response.Clone();
            string? Text(string name) => element.TryGetProperty(name, out var v) && v.ValueKind == JsonValueKind.String ? v.GetString() : null;
            return new AlipayResponse(Text("code") ?? "", Text("msg") ?? "", Text("sub_code"), Text("sub_msg"), element);
        }
    }

    private SortedDictionary<string, string?> Common(string method) => new(StringComparer.Ordinal)
    {
        ["app_id"] = merchant.AppId,
        ["method"] = method,
        ["format"] = "JSON",
        ["charset"] = "utf-8",
        ["sign_type"] = "RSA2",
        ["timestamp"] = AlipayFormats.Time(clock.GetUtcNow().UtcDateTime),
        ["version"] = "1.0",
    };

    public static string FormEncode(IEnumerable<KeyValuePair<string, string?>> parameters) =>
        string.Join('&', parameters.Where(p => p.Value is not null).Select(p => $"{Uri.EscapeDataString(p.Key)}={Uri.EscapeDataString(p.Value!)}"));
}
