namespace Luffy.Web.Api;

/// <summary>One page of a list: its number from 1, its size, and the rows before it.</summary>
public readonly record struct ListPage(int Number, int Size, int Offset)
{
    /// <summary>
    /// The page asked for, or why not. The offset is counted in <c>long</c>: in <c>int</c>, page 429496730 of 10
    /// wraps round to a small offset (SQLite then shows page 1) or to a negative one (PostgreSQL refuses it: a 500).
    /// Pages whose offset does not fit the <c>int</c> that <c>Skip</c> takes are refused; past the end is only empty.
    /// </summary>
    public static (ListPage Page, string? Error) From(int? number, int? size, int defaultSize, int maxSize)
    {
        var (page, rows) = (number ?? 1, size ?? defaultSize);
        if (page < 1 || rows < 1 || rows > maxSize)
            return (default, $"page 应从 1 开始，size 应在 1 到 {maxSize} 之间");
        var offset = (page - 1L) * rows;
        if (offset > int.MaxValue)
            return (default, $"page 过大：每页 {rows} 条时 page 最大为 {int.MaxValue / rows + 1}");
        return (new ListPage(page, rows, (int)offset), null);
    }
}
