using System.Collections.Concurrent;
using System.Globalization;
using System.IO.Compression;
using System.Security.Cryptography;
using CsvHelper;
using Luffy.Domain;
using Luffy.Infrastructure.Alipay;

namespace Luffy.AlipaySandbox;

/// <summary>
/// The trade bills, served as Alipay serves them: <c>alipay.data.dataservice.bill.downloadurl.query</c> answers a link
/// that works for <see cref="LinkLifetime"/>, to a zip of GBK CSV files (<see cref="AlipayBill"/>). The bill of a China
/// day lists every trade paid and every refund made that day; it exists once the day is over.
/// </summary>
public sealed class SandboxBills(SandboxOptions options, SandboxTrades trades, TimeProvider clock)
{
    public static readonly TimeSpan LinkLifetime = TimeSpan.FromSeconds(30);
    public const string DownloadPath = "/downloadBillFile.resource";
    private static readonly TimeSpan China = TimeSpan.FromHours(8);

    private sealed record Issued(byte[] Zip, string FileName, DateTime Expires);

    private readonly ConcurrentDictionary<string, Issued> _links = new();

    /// <summary>The gateway's answer to the download URL query; <paramref name="baseUrl"/> is where the sandbox is mounted.</summary>
    public Dictionary<string, string?> Query(string? billType, string? billDate, string baseUrl)
    {
        if (billType != "trade")
            return Failed("isv.invalid-arguments", "账单类型不合法，沙箱只提供 trade 账单");
        if (!DateOnly.TryParseExact(billDate, "yyyy-MM-dd", CultureInfo.InvariantCulture, DateTimeStyles.None, out var day))
            return Failed("isv.invalid-arguments", "账单日期格式不合法，应为 yyyy-MM-dd");
        var now = clock.GetUtcNow().UtcDateTime;
        // As Alipay: a day's bill is there only once the day is over (today's and later days' are not).
        if (day >= DateOnly.FromDateTime(now + China))
            return Failed("isp.bill_not_exist", "账单不存在");

        foreach (var (token, link) in _links)
            if (link.Expires <= now)
                _links.TryRemove(token, out _);
        var name = $"{options.SellerId}_{day:yyyyMMdd}";
        var issued = new Issued(Build(day, name, now), $"{name}.csv.zip", now + LinkLifetime);
        var key = Convert.ToHexString(RandomNumberGenerator.GetBytes(16)).ToLowerInvariant();
        _links[key] = issued;
        var url = $"{baseUrl}{DownloadPath}?bizType=trade&fileType=csv.zip&bizDates={day:yyyyMMdd}&downloadFileName={Uri.EscapeDataString(issued.FileName)}&token={key}";
        return new() { ["code"] = "10000", ["msg"] = "Success", ["bill_download_url"] = url };
    }

    /// <summary>The zip behind a link, while the link works.</summary>
    public (byte[] Zip, string FileName)? Download(string? token)
    {
        if (token is null || !_links.TryGetValue(token, out var link) || link.Expires <= clock.GetUtcNow().UtcDateTime)
            return null;
        return (link.Zip, link.FileName);
    }

    private static Dictionary<string, string?> Failed(string subCode, string subMsg) =>
        new() { ["code"] = "40004", ["msg"] = "Business Failed", ["sub_code"] = subCode, ["sub_msg"] = subMsg };

    private byte[] Build(DateOnly day, string name, DateTime now)
    {
        var from = day.ToDateTime(TimeOnly.MinValue, DateTimeKind.Utc) - China;
        var (paid, refunds) = trades.Between(from, from.AddDays(1));
        using var buffer = new MemoryStream();
        using (var zip = new ZipArchive(buffer, ZipArchiveMode.Create, leaveOpen: true, entryNameEncoding: AlipayBill.Gbk))
        {
            Write(zip, name + AlipayBill.DetailSuffix, writer => Detail(writer, day, paid, refunds, now));
            Write(zip, name + AlipayBill.SummarySuffix, writer => Summary(writer, day, paid, refunds, now));
        }
        return buffer.ToArray();
    }

    private static void Write(ZipArchive zip, string entryName, Action<StreamWriter> content)
    {
        // CRLF throughout, as the CSV records end.
        using var writer = new StreamWriter(zip.CreateEntry(entryName).Open(), AlipayBill.Gbk) { NewLine = "\r\n" };
        content(writer);
    }

    private void Detail(StreamWriter writer, DateOnly day, List<Trade> paid, List<(Trade Trade, SandboxRefund Refund)> refunds, DateTime now)
    {
        Header(writer, "#支付宝业务明细查询", day);
        writer.WriteLine("#-----------------------------------------业务明细列表----------------------------------------");
        using (var csv = CsvWriter.Create(writer, CsvWriterOptions.Default, leaveOpen: true))
        {
            csv.WriteHeader(AlipayBill.Columns);
            foreach (var trade in paid)
                Row(csv, trade, AlipayBill.PaymentType, trade.GmtPayment!.Value, AlipayFormats.Amount(trade.TotalAmount), "", "");
            foreach (var (trade, refund) in refunds)
                Row(csv, trade, AlipayBill.RefundType, refund.At, "-" + AlipayFormats.Amount(refund.Amount), refund.RequestNo + "\t", refund.Reason ?? "");
        }
        writer.WriteLine("#-----------------------------------------业务明细列表结束------------------------------------");
        writer.WriteLine($"#交易合计：{paid.Count}笔，商家实收共：{Sum(paid.Select(t => t.TotalAmount))}元，商家优惠共：0.00元");
        writer.WriteLine($"#退款合计：{refunds.Count}笔，商家实收退款共：-{Sum(refunds.Select(r => r.Refund.Amount))}元，商家优惠退款共：0.00元");
        writer.WriteLine($"#导出时间：[{ChinaText(now)}]");
    }

    private static void Row(CsvWriter csv, Trade trade, string type, DateTime finished, string amount, string requestNo, string remark)
    {
        // Numbers end with a tab, as Alipay writes them, so that a spreadsheet keeps them as text.
        string[] fields =
        [
            trade.TradeNo + "\t", trade.OutTradeNo + "\t", type, trade.Subject, AlipayFormats.Time(trade.Created), AlipayFormats.Time(finished),
            "", "", "", "", "buy***@sandbox.com", amount, amount, "0.00", "0.00", "0.00", "0.00", "0.00", "", "0.00", "0.00",
            requestNo, "0.00", "0.00", remark,
        ];
        csv.WriteRecord(fields);
    }

    private void Summary(StreamWriter writer, DateOnly day, List<Trade> paid, List<(Trade Trade, SandboxRefund Refund)> refunds, DateTime now)
    {
        Header(writer, "#支付宝业务汇总查询", day);
        writer.WriteLine("#-----------------------------------------业务汇总列表----------------------------------------");
        writer.WriteLine("门店编号,门店名称,交易订单总笔数,退款订单总笔数,已收入笔数,订单金额（元）,商家实收（元）,服务费（元）,实收净额（元）");
        var income = paid.Aggregate(Money.Zero, (sum, t) => sum + t.TotalAmount);
        var back = refunds.Aggregate(Money.Zero, (sum, r) => sum + r.Refund.Amount);
        var net = income - back;
        writer.WriteLine($"合计,,{paid.Count},{refunds.Count},{paid.Count + refunds.Count},{net},{net},0.00,{net}");
        writer.WriteLine("#-----------------------------------------业务汇总列表结束------------------------------------");
        writer.WriteLine($"#导出时间：[{ChinaText(now)}]");
    }

    private void Header(StreamWriter writer, string title, DateOnly day)
    {
        writer.WriteLine(title);
        writer.WriteLine($"#账号：[{options.SellerId}]");
        writer.WriteLine($"#起始日期：[{day:yyyy年MM月dd日} 00:00:00]   终止日期：[{day.AddDays(1):yyyy年MM月dd日} 00:00:00]");
    }

    private static string Sum(IEnumerable<Money> amounts) => AlipayFormats.Amount(amounts.Aggregate(Money.Zero, (sum, m) => sum + m));

    private static string ChinaText(DateTime utc) => (utc + China).ToString("yyyy年MM月dd日 HH:mm:ss", CultureInfo.InvariantCulture);
}
