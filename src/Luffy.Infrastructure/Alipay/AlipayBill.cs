using System.Globalization;
using System.IO.Compression;
using System.Text;
using CsvHelper;

namespace Luffy.Infrastructure.Alipay;

public enum AlipayBillRowKind
{
    /// <summary>交易: a trade paid that day.</summary>
    Payment,
    /// <summary>退款: a refund made that day.</summary>
    Refund,
}

/// <summary>
/// One row of a trade bill's detail (业务明细): a payment or a refund, with its amount as a positive sum (the bill writes
/// refunds negative) and its completion time in UTC.
/// </summary>
public sealed record AlipayBillRow(AlipayBillRowKind Kind, string TradeNo, string OutTradeNo, Money Amount, string? RequestNo, DateTime? FinishedAt);

/// <summary>
/// Alipay's trade bill (<c>bill_type=trade</c>) as it is downloaded: a zip named <c>{pid}_{yyyyMMdd}.csv.zip</c> holding
/// <c>{pid}_{yyyyMMdd}_业务明细.csv</c> and <c>…_业务明细(汇总).csv</c>, GBK-encoded, with <c>#</c> lines before and after
/// the table, one row per payment (交易) or refund (退款), refunds negative, numbers followed by a tab.
/// </summary>
public static class AlipayBill
{
    public const string TradeNo = "支付宝交易号";
    public const string OutTradeNo = "商户订单号";
    public const string Type = "业务类型";
    public const string FinishedAt = "完成时间";
    public const string OrderAmount = "订单金额（元）";
    public const string RequestNo = "退款批次号/请求号";
    public const string PaymentType = "交易";
    public const string RefundType = "退款";
    public const string DetailSuffix = "_业务明细.csv";
    public const string SummarySuffix = "_业务明细(汇总).csv";

    /// <summary>The detail table's columns, in Alipay's order.</summary>
    public static readonly string[] Columns =
    [
        TradeNo, OutTradeNo, Type, "商品名称", "创建时间", FinishedAt, "门店编号", "门店名称", "操作员", "终端号", "对方账户",
        OrderAmount, "商家实收（元）", "支付宝红包（元）", "集分宝（元）", "支付宝优惠（元）", "商家优惠（元）", "券核销金额（元）", "券名称",
        "商家红包消费金额（元）", "卡消费金额（元）", RequestNo, "服务费（元）", "分润（元）", "备注",
    ];

    /// <summary>GBK (code page 936), which .NET has only through the code pages provider.</summary>
    public static Encoding Gbk { get; } = LoadGbk();

    private static Encoding LoadGbk()
    {
        Encoding.RegisterProvider(CodePagesEncodingProvider.Instance);
        return Encoding.GetEncoding("GBK");
    }

    /// <summary>The detail rows of a downloaded bill; a file that is not such a bill throws <see cref="AlipayException"/>.</summary>
    public static IReadOnlyList<AlipayBillRow> Read(byte[] zip)
    {
        try
        {
            // Entry names are GBK too, unless the zip flags them UTF-8.
            using var archive = new ZipArchive(new MemoryStream(zip), ZipArchiveMode.Read, leaveOpen: false, entryNameEncoding: Gbk);
            var detail = archive.Entries.FirstOrDefault(e => e.Name.EndsWith(DetailSuffix, StringComparison.Ordinal))
                ?? throw new AlipayException("the bill holds no 业务明细 file");
            using var csv = CsvReader.Create(detail.Open(), Options, leaveOpen: false);
            return ReadDetail(csv);
        }
        catch (InvalidDataException e)
        {
            throw new AlipayException("the bill is not a zip file", e);
        }
        catch (Exception e) when (e is CsvFormatException or CsvValidationException)
        {
            throw new AlipayException($"the bill's detail could not be read ({e.Message})", e);
        }
    }

    // GBK, '#' lines before and after the table, comma separated; the tabs after the numbers trimmed.
    private static readonly CsvReaderOptions Options = CsvReaderOptions.Default with
    {
        Encoding = Gbk, CommentPrefix = '#', Separator = ',', TrimWhitespace = true, TrimInsideQuotes = true,
    };

    private static List<AlipayBillRow> ReadDetail(CsvReader csv)
    {
        csv.ReadHeader();
        var columns = new Dictionary<string, int>();
        foreach (var column in new[] { TradeNo, OutTradeNo, Type, FinishedAt, OrderAmount, RequestNo })
            columns[column] = csv.TryGetFieldIndex(column, out var index) ? index : throw new AlipayException($"the bill's detail has no column {column}");
        var rows = new List<AlipayBillRow>();
        while (csv.Read())
        {
            // Alipay ends numbers with a tab, so that a spreadsheet keeps them as text.
            string Field(string name) => csv.GetString(columns[name]).Trim();
            var kind = Field(Type) switch
            {
                PaymentType => AlipayBillRowKind.Payment,
                RefundType => AlipayBillRowKind.Refund,
                var other => throw new AlipayException($"the bill has a row of type '{other}'"),
            };
            var amountText = Field(OrderAmount);
            if (!Money.TryParseYuan(amountText.TrimStart('-'), out var amount))
                throw new AlipayException($"the bill has an amount '{amountText}'");
            DateTime? finished = AlipayFormats.TryParseTime(Field(FinishedAt), out var utc) ? utc : null;
            var requestNo = Field(RequestNo);
            rows.Add(new AlipayBillRow(kind, Field(TradeNo), Field(OutTradeNo), amount, requestNo.Length > 0 ? requestNo : null, finished));
        }
        return rows;
    }
}
