using System.Security.Cryptography;
using System.Text;
using Luffy.Infrastructure.Alipay;

namespace Luffy.Infrastructure.Tests;

public class AlipaySignatureTests
{
    private static string Key(string name) => File.ReadAllText(Path.Combine(AppContext.BaseDirectory, "Keys", name));

    /// <summary>A page.pay request as the client builds it, in no particular order, with an empty value and a sign to ignore.</summary>
    private static Dictionary<string, string?> Request() => new()
    {
        ["timestamp"] = "2026-12-01 20:00:00",
        ["method"] = "alipay.trade.page.pay",
        ["app_id"] = "2021000000000001",
        ["sign_type"] = "RSA2",
        ["version"] = "1.0",
        ["charset"] = "utf-8",
        ["notify_url"] = "http://127.0.0.1:5000/payments/alipay/result/",
        ["return_url"] = "",
        ["biz_content"] = """{"out_trade_no":"2026120112000000004212345","product_code":"FAST_INSTANT_TRADE_PAY","total_amount":"99.50","subject":"路飞学城：Python 入门"}""",
        ["sign"] = "ignored",
    };

    // Computed independently: printf '%s' "$content" | openssl dgst -sha256 -sign test_private_pkcs1.pem | base64 -w0
    private const string KnownSignature = "A50sNVlbP1SbaKq0ltGPZUxbyhJzhjfWGcGz74g9+n9dVcJT0VgNfYf8a/KsSy1jdyVkDE44NQsPnCLz+CAd1PesQBxSLXR32UqAMeO2ldmQ5qo0DN8scAwHRs2xUR6wAImmuEbO43X4SSPYE1QI/XBPv/SJuM0s3EBMBKHA/s16VGfedJ8hFpgwdeR/Ih94/Cxf7oLkqvEDULNyez59h2118/mIh0vlPQRDO8gEUSUaPop7hNXdbJBEcvmoJVYwUnaDPJ+ngenRod0pjSOertZW/gL8MSyIrko0QSThhTdXG0DwnTdVj0JGSTwwkmSOjBswvTA/FILgdhoCNlcZzw==";

    [Fact]
    public void Content_is_ordinal_sorted_raw_values_without_empty_ones_and_sign() =>
        Assert.Equal(
            "app_id=2021000000000001&biz_content={\"out_trade_no\":\"2026120112000000004212345\",\"product_code\":\"FAST_INSTANT_TRADE_PAY\",\"total_amount\":\"99.50\",\"subject\":\"路飞学城：Python 入门\"}&charset=utf-8&method=alipay.trade.page.pay&notify_url=http://127.0.0.1:5000/payments/alipay/result/&sign_type=RSA2&timestamp=2026-12-01 20:00:00&version=1.0",
            AlipaySignature.Content(Request(), ["sign"]));

    [Theory]
    [InlineData("test_private_pkcs1.pem")]
    [InlineData("test_private_pkcs8.pem")]
    public void Fixed_parameters_and_key_give_the_known_signature(string keyFile)
    {
        using var key = AlipayKeys.Load(Key(keyFile));
        Assert.Equal(KnownSignature, AlipaySignature.SignRequest(Request(), key));
    }

    [Fact]
    public void Key_loads_from_bare_base64_too()
    {
        var pem = Key("test_private_pkcs8.pem");
        var bare = string.Concat(pem.Split('\n').Where(l => !l.StartsWith("-----", StringComparison.Ordinal)));
        using var key = AlipayKeys.Load(bare);
        Assert.Equal(KnownSignature, AlipaySignature.SignRequest(Request(), key));
    }

    [Fact]
    public void Signature_verifies_with_the_public_key()
    {
        using var key = AlipayKeys.Load(Key("test_public.pem"));
        var request = Request();
        request["sign"] = KnownSignature;
        Assert.True(AlipaySignature.VerifyRequest(request, key));
    }

    [Fact]
    public void Tampered_value_dropped_parameter_or_wrong_key_fail()
    {
        using var key = AlipayKeys.Load(Key("test_public.pem"));
        using var other = AlipayKeys.Load(Key("other_public.pem"));
        var tampered = Request();
        tampered["sign"] = KnownSignature;
        tampered["biz_content"] = tampered["biz_content"]!.Replace("99.50", "0.01");
        var dropped = Request();
        dropped["sign"] = KnownSignature;
        dropped.Remove("notify_url");
        var signed = Request();
        signed["sign"] = KnownSignature;

        Assert.False(AlipaySignature.VerifyRequest(tampered, key));
        Assert.False(AlipaySignature.VerifyRequest(dropped, key));
        Assert.False(AlipaySignature.VerifyRequest(signed, other));
        signed["sign"] = "not base64!";
        Assert.False(AlipaySignature.VerifyRequest(signed, key));
    }

    [Fact]
    public void Notifications_leave_out_sign_and_sign_type()
    {
        using var privateKey = AlipayKeys.Load(Key("test_private_pkcs1.pem"));
        using var publicKey = AlipayKeys.Load(Key("test_public.pem"));
        var notify = new Dictionary<string, string?>
        {
            ["out_trade_no"] = "2026120112000000004212345", ["trade_status"] = "TRADE_SUCCESS", ["total_amount"] = "99.50",
            ["app_id"] = "2021000000000001", ["sign_type"] = "RSA2",
        };
        notify["sign"] = AlipaySignature.SignNotification(notify, privateKey);
        Assert.True(AlipaySignature.VerifyNotification(notify, publicKey));
        notify["sign_type"] = "RSA";   // not signed: changing it does not matter
        Assert.True(AlipaySignature.VerifyNotification(notify, publicKey));
        notify["trade_status"] = "WAIT_BUYER_PAY";
        Assert.False(AlipaySignature.VerifyNotification(notify, publicKey));
    }

    [Fact]
    public void Response_is_verified_over_the_raw_text_of_its_node()
    {
        using var privateKey = AlipayKeys.Load(Key("test_private_pkcs1.pem"));
        using var publicKey = AlipayKeys.Load(Key("test_public.pem"));
        // Spacing and key order as the gateway wrote them: re-serialising would change the bytes.
        const string node = """{"code":"10000","msg":"Success","out_trade_no":"N1",  "trade_status":"TRADE_SUCCESS","total_amount":"99.50"}""";
        var body = $$"""{"alipay_trade_query_response":{{node}},"sign":"{{AlipaySignature.Sign(node, privateKey)}}"}""";

        var response = AlipayClient.Parse("alipay.trade.query", Encoding.UTF8.GetBytes(body), publicKey);
        Assert.True(response.IsSuccess);
        Assert.Equal("TRADE_SUCCESS", response.Get("trade_status"));

        var forged = body.Replace("TRADE_SUCCESS", "TRADE_FINISHED");
        Assert.Throws<AlipayException>(() => AlipayClient.Parse("alipay.trade.query", Encoding.UTF8.GetBytes(forged), publicKey));
        Assert.Throws<AlipayException>(() => AlipayClient.Parse("alipay.trade.close", Encoding.UTF8.GetBytes(body), publicKey));
    }

    [Theory]
    [InlineData("99.50", true)]
    [InlineData("0.01", true)]
    [InlineData("99.5", false)]
    [InlineData("99", false)]
    [InlineData("-1.00", false)]
    [InlineData("0.00", false)]
    [InlineData("1e2.00", false)]
    [InlineData("100000000.01", false)]
    public void Amounts_are_two_decimal_invariant_strings(string text, bool valid) =>
        Assert.Equal(valid, AlipayFormats.TryParseAmount(text, out _));

    [Fact]
    public void Times_are_china_time()
    {
        var utc = new DateTime(2026, 12, 1, 16, 30, 0, DateTimeKind.Utc);
        Assert.Equal("2026-12-02 00:30:00", AlipayFormats.Time(utc));
        Assert.True(AlipayFormats.TryParseTime("2026-12-02 00:30:00", out var back));
        Assert.Equal(utc, back);
        Assert.Equal("99.50", AlipayFormats.Amount(Money.FromYuan(99.5m)));
    }
}
