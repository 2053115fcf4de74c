using System.Globalization;
using Luffy.Domain.Cart;
using Luffy.Infrastructure.Redis;
using StackExchange.Redis;

namespace Luffy.Infrastructure.Cart;

/// <summary>One cart line: the course and its chosen validity in days (0 = permanent).</summary>
public readonly record struct CartItem(int CourseId, int ExpireTime, bool Selected);

public enum CartAddResult
{
    Added,
    Updated,
    Full,
}

/// <summary>
/// The cart in Redis, in the tutorial's shape: hash <c>cart_{user}</c> course_id → expire_time and
/// set <c>selected_{user}</c> of selected course ids.
/// </summary>
public sealed class CartStore(IConnectionMultiplexer redis, RedisKeys keys)
{
    private IDatabase Db => redis.GetDatabase();

    /// <summary>The whole cart, read in one round trip (HGETALL and SMEMBERS pipelined).</summary>
    public async Task<IReadOnlyList<CartItem>> GetAsync(int userId)
    {
        var batch = Db.CreateBatch();
        var hash = batch.HashGetAllAsync(keys.Cart(userId));
        var selected = batch.SetMembersAsync(keys.Selected(userId));
        batch.Execute();
        await Task.WhenAll(hash, selected);

        var selectedIds = new HashSet<int>(selected.Result.Length);
        foreach (var member in selected.Result)
            if (TryInt(member, out var id))
                selectedIds.Add(id);

        var items = new List<CartItem>(hash.Result.Length);
        foreach (var entry in hash.Result)
            if (TryInt(entry.Name, out var courseId) && TryInt(entry.Value, out var expire))
                items.Add(new CartItem(courseId, expire, selectedIds.Contains(courseId)));
        items.Sort((a, b) => a.CourseId.CompareTo(b.CourseId));
        return items;
    }

    /// <summary>The selected items only (the checkout list), in one round trip.</summary>
    public async Task<IReadOnlyList<CartItem>> GetSelectedAsync(int userId) =>
        (await GetAsync(userId)).Where(i => i.Selected).ToList();

    // Each change is one Lua script: checked and written atomically in one round trip, no WATCH/retry.
    private static readonly LuaScript AddScript = LuaScript.Prepare("""
        local exists = redis.call('HEXISTS', @cart, @course)
        if exists == 0 and redis.call('HLEN', @cart) >= tonumber(@max) then return -1 end
        redis.call('HSET', @cart, @course, @expire)
        redis.call('SADD', @selected, @course)
        return exists
        """);

    private static readonly LuaScript SelectScript = LuaScript.Prepare("""
        if redis.call('HEXISTS', @cart, @course) == 0 then return 0 end
        if @selected_flag == '1' then redis.call('SADD', @selected, @course) else redis.call('SREM', @selected, @course) end
        return 1
        """);

    private static readonly LuaScript ExpireScript = LuaScript.Prepare("""
        if redis.call('HEXISTS', @cart, @course) == 0 then return 0 end
        redis.call('HSET', @cart, @course, @expire)
        return 1
        """);

    private static readonly LuaScript SelectAllScript = LuaScript.Prepare("""
        if @selected_flag == '1' then
            local courses = redis.call('HKEYS', @cart)
            if #courses > 0 then redis.call('SADD', @selected, unpack(courses)) end
        else
            redis.call('DEL', @selected)
        end
        return 1
        """);

    /// <summary>
    /// Puts a course in the cart, selected, with the given validity. A new course is refused once the
    /// cart holds <see cref="CartRules.MaxItems"/>; the check and the write are one atomic script.
    /// </summary>
    public async Task<CartAddResult> AddAsync(int userId, int courseId, int expireTime)
    {
        var result = (int)await Db.ScriptEvaluateAsync(AddScript, new
        {
            cart = keys.Cart(userId), selected = keys.Selected(userId), course = (RedisValue)courseId,
            expire = (RedisValue)expireTime, max = (RedisValue)CartRules.MaxItems,
        });
        return result switch { -1 => CartAddResult.Full, 1 => CartAddResult.Updated, _ => CartAddResult.Added };
    }

    /// <summary>Selects or unselects a course; false when it is not in the cart.</summary>
    public async Task<bool> SetSelectedAsync(int userId, int courseId, bool selected) =>
        (int)await Db.ScriptEvaluateAsync(SelectScript, new
        {
            cart = keys.Cart(userId), selected = keys.Selected(userId), course = (RedisValue)courseId, selected_flag = (RedisValue)(selected ? "1" : "0"),
        }) == 1;

    /// <summary>Selects or unselects every course in the cart, in one atomic round trip.</summary>
    public Task SetAllSelectedAsync(int userId, bool selected) =>
        Db.ScriptEvaluateAsync(SelectAllScript, new
        {
            cart = keys.Cart(userId), selected = keys.Selected(userId), selected_flag = (RedisValue)(selected ? "1" : "0"),
        });

    /// <summary>Changes the validity of a course in the cart; false when it is not in the cart.</summary>
    public async Task<bool> SetExpireAsync(int userId, int courseId, int expireTime) =>
        (int)await Db.ScriptEvaluateAsync(ExpireScript, new { cart = keys.Cart(userId), course = (RedisValue)courseId, expire = (RedisValue)expireTime }) == 1;

    /// <summary>Removes a course; false when it was not in the cart.</summary>
    public async Task<bool> RemoveAsync(int userId, int courseId) => await RemoveManyAsync(userId, [courseId]) > 0;

    // KEYS: cart, selected; ARGV: the course ids. A script, not MULTI/EXEC: Garnet 2.2.8 logs a transaction as
    // TxnStart, its writes, TxnCommit, and a process killed between them leaves a TxnStart without its end in
    // the append-only file; every replay then keeps that transaction open under its session number, and session
    // numbers start again at 1 in each process, so a later process's session with that number had all its writes
    // (answered, in the file) dropped at the next start (CrashTests: a cart read back an older value).
    private const string RemoveScript = """
        local removed = redis.call('HDEL', KEYS[1], unpack(ARGV))
        redis.call('SREM', KEYS[2], unpack(ARGV))
        return removed
        """;

    /// <summary>Removes courses in one round trip; returns how many were in the cart.</summary>
    public async Task<long> RemoveManyAsync(int userId, IReadOnlyCollection<int> courseIds)
    {
        if (courseIds.Count == 0)
            return 0;
        var fields = courseIds.Select(id => (RedisValue)id).ToArray();
        return (long)await Db.ScriptEvaluateAsync(RemoveScript, [keys.Cart(userId), keys.Selected(userId)], fields);
    }

    public async Task<long> CountAsync(int userId) => await Db.HashLengthAsync(keys.Cart(userId));

    private static bool TryInt(RedisValue value, out int result)
    {
        if (value.TryParse(out result))
            return true;
        return int.TryParse(value.ToString(), NumberStyles.Integer, CultureInfo.InvariantCulture, out result);
    }
}
