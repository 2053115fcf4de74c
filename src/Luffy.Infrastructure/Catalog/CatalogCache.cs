using System.Collections.Concurrent;
using System.Diagnostics;
using Luffy.Infrastructure.Data;
using Microsoft.EntityFrameworkCore.Diagnostics;
using Microsoft.Extensions.DependencyInjection;

namespace Luffy.Infrastructure.Catalog;

/// <summary>
/// The courses' offers (options, prices, price policies) kept in memory for the cart and the checkout list, so
/// those read the catalog from the database only when it changed; order creation always reads the database.
/// </summary>
/// <remarks>
/// Emptied whenever the catalog changes: whatever writes the catalog (the back office's services) calls
/// <see cref="Changed"/> after its commit; <see cref="CatalogCacheSync"/> passes that on to the other instances through
/// Redis. An entry also lives at most <see cref="CatalogCacheOptions.Lifetime"/>, for changes made outside the app
/// (SQL by hand, another program).
/// </remarks>
public sealed class CatalogCache(CatalogCacheOptions options)
{
    // A shop's catalog is small; past this the cache stops adding courses (each still loads from the database).
    private const int MaxEntries = 10_000;

    private readonly ConcurrentDictionary<int, Entry> _entries = new();
    private readonly Lock _gate = new();
    private readonly long _lifetimeTicks = (long)(options.Lifetime.TotalSeconds * Stopwatch.Frequency);
    private long _generation;

    /// <summary>Raised after this process changed the catalog (the cache is already empty).</summary>
    public event Action? CatalogChanged;

    public bool Enabled => _lifetimeTicks > 0;

    /// <summary>
    /// The given courses with their options and the offers not ended at <paramref name="now"/>: the ones in
    /// memory, the others in ONE SQL query (<see cref="CourseOffers.LoadAsync"/>). Absent courses are left out.
    /// </summary>
    public async Task<Dictionary<int, CourseOffer>> GetAsync(
        LuffyDbContext db, IReadOnlyCollection<int> courseIds, DateTime now, CancellationToken cancellationToken = default)
    {
        if (!Enabled)
            return await CourseOffers.LoadAsync(db, courseIds, now, cancellationToken);

        var found = new Dictionary<int, CourseOffer>(courseIds.Count);
        List<int>? missing = null;
        var tick = Stopwatch.GetTimestamp();
        foreach (var id in courseIds)
        {
            // An entry loaded "later" than now (a clock set back) lacks the offers that ended in between.
            if (_entries.TryGetValue(id, out var entry) && tick - entry.Tick < _lifetimeTicks && entry.LoadedAt <= now)
                found[id] = entry.Offer;
            else
                (missing ??= []).Add(id);
        }
        if (missing is null)
            return found;

        // What was read before a change commits must not be stored after the change emptied the cache.
        var generation = Volatile.Read(ref _generation);
        var loaded = await CourseOffers.LoadAsync(db, missing, now, cancellationToken);
        lock (_gate)
        {
            if (_generation == generation)
                foreach (var (id, offer) in loaded)
                    if (_entries.Count < MaxEntries || _entries.ContainsKey(id))
                        _entries[id] = new Entry(offer, now, tick);
        }
        foreach (var (id, offer) in loaded)
            found[id] = offer;
        return found;
    }

    /// <summary>Empties the cache (another instance changed the catalog).</summary>
    public void Clear()
    {
        lock (_gate)
        {
            _generation++;
            _entries.Clear();
        }
    }

    /// <summary>This process committed a catalog change: empties the cache and tells <see cref="CatalogChanged"/>.</summary>
    public void Changed()
    {
        Clear();
        CatalogChanged?.Invoke();
    }

    private sealed record Entry(CourseOffer Offer, DateTime LoadedAt, long Tick);
}

/// <summary>How long a cached course may be served without a change notice (0 turns the cache off).</summary>
public sealed class CatalogCacheOptions
{
    public const string Section = "Catalog";

    public TimeSpan Lifetime { get; set; } = TimeSpan.FromMinutes(1);
}

public static class CatalogCacheRegistration
{
    /// <summary>The catalog cache and its sync between instances.</summary>
    public static IServiceCollection AddLuffyCatalogCache(this IServiceCollection services, CatalogCacheOptions options)
    {
        services.AddSingleton(new CatalogCache(options));
        services.AddHostedService<CatalogCacheSync>();
        return services;
    }
}
