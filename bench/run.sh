#!/usr/bin/env bash
# bench/run.sh embedded|production — builds Release, starts what it needs on loopback, makes 2000 users with
# three selected courses each, runs the checkout-list workload (wrk) and the checkout funnel (bench/Luffy.Bench),
# in production mode also the pgbench limit, stops everything it started and appends the figures to
# bench/history/<year-month>.md (bench/RESULTS.md keeps the current ones). Every step is bounded in time.
#   embedded:   SQLite + embedded Garnet + the sandbox mounted in the app (a fresh data directory)
#   production: PostgreSQL and redis-server (installed with apt if missing, started here on loopback),
#               the sandbox gateway as its own process
set -euo pipefail
mode=${1:-}
seconds=${BENCH_SECONDS:-30}
connections=${BENCH_CONNECTIONS:-64}
users=${BENCH_USERS:-2000}
warmup=${BENCH_WARMUP:-30}
root=$(cd "$(dirname "$0")/.." && pwd)
case "$mode" in embedded|production) ;; *) echo "usage: bench/run.sh embedded|production" >&2; exit 2 ;; esac

need=()
command -v wrk >/dev/null || need+=(wrk)
[ "$mode" = embedded ] && { command -v sqlite3 >/dev/null || need+=(sqlite3); command -v redis-cli >/dev/null || need+=(redis-tools); }
if [ "$mode" = production ]; then
  command -v pg_lsclusters >/dev/null || need+=(postgresql)
  command -v redis-server >/dev/null || need+=(redis-server)
fi
if ((${#need[@]})); then apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "${need[@]}" >/dev/null; fi

work=$(mktemp -d)
port=5099
sandbox_port=5098
redis_port=6390
pids=()
cleanup() {
  for pid in "${pids[@]}"; do kill "$pid" 2>/dev/null || true; done
  for pid in "${pids[@]}"; do wait "$pid" 2>/dev/null || true; done
  if [ -n "${BENCH_KEEP:-}" ]; then echo "kept: $work"; else rm -rf "$work"; fi
}
trap cleanup EXIT

wait_for() { for _ in $(seq 1 120); do curl -sf "$1" >/dev/null && return 0; sleep 0.5; done; echo "not up: $1" >&2; return 1; }

echo "== build"
tools="$work/tools"
dotnet tool install --tool-path "$tools" dotnet-counters >/dev/null
dotnet publish "$root/src/Luffy.Web" -c Release -o "$work/app" >/dev/null
dotnet build "$root/bench/Luffy.Bench" -c Release -o "$work/bench" >/dev/null

common=(Luffy__DataDirectory="$work/data" Luffy__SqlCountHeader=true LoginThrottle__PerClient=100000000 LoginThrottle__PerUsername=1000 Logging__LogLevel__Default=Warning)
if [ "$mode" = embedded ]; then
  sandbox_url="http://127.0.0.1:$port/alipay-sandbox"
  app_env=("${common[@]}")
else
  echo "== PostgreSQL, redis-server and the sandbox gateway"
  read -r pg_version pg_cluster pg_port _ < <(pg_lsclusters --no-header | head -n 1)
  pg_ctlcluster "$pg_version" "$pg_cluster" start 2>/dev/null || true
  for _ in $(seq 1 30); do pg_isready -h 127.0.0.1 -p "$pg_port" -q && break; sleep 1; done
  su postgres -c "psql -q -p $pg_port -c \"ALTER USER postgres PASSWORD 'postgres';\" -c 'DROP DATABASE IF EXISTS luffy_bench WITH (FORCE);' -c 'CREATE DATABASE luffy_bench;'"
  pg="Host=127.0.0.1;Port=$pg_port;Database=luffy_bench;Username=postgres;Password=postgres;Maximum Pool Size=32"
  redis-server --bind 127.0.0.1 --port "$redis_port" --save '' --appendonly no >"$work/redis.log" 2>&1 &
  pids+=($!)
  dotnet publish "$root/src/Luffy.AlipaySandbox" -c Release -o "$work/sandbox" >/dev/null
  (cd "$work" && exec env Sandbox__KeysDirectory="$work/keys" Sandbox__NotifyScheduleDivisor=60 Logging__LogLevel__Default=Warning \
    dotnet sandbox/Luffy.AlipaySandbox.dll --urls "http://127.0.0.1:$sandbox_port" >"$work/sandbox.log" 2>&1) &
  pids+=($!)
  sandbox_url="http://127.0.0.1:$sandbox_port"
  for _ in $(seq 1 120); do [ -f "$work/keys/alipay_public_key.pem" ] && break; sleep 0.5; done

  echo "== the demo catalog into PostgreSQL (one embedded-mode start against the production stores)"
  (cd "$work" && exec env "${common[@]}" Database__Provider=Postgres ConnectionStrings__Luffy="$pg" Redis__Configuration="127.0.0.1:$redis_port" \
    dotnet app/Luffy.Web.dll --urls "http://127.0.0.1:$port" >"$work/seed.log" 2>&1) &
  seed_pid=$!
  wait_for "127.0.0.1:$port/health"
  kill "$seed_pid"; wait "$seed_pid" 2>/dev/null || true
  app_env=("${common[@]}" Luffy__Mode=Production Database__Provider=Postgres ConnectionStrings__Luffy="$pg"
    Redis__Configuration="127.0.0.1:$redis_port" Jwt__Key="bench-only-signing-key-0123456789abcdef"
    Alipay__Gateway="$sandbox_url/gateway.do" Alipay__AppPrivateKeyPath="$work/keys/app_private_key.pem"
    Alipay__AlipayPublicKeyPath="$work/keys/alipay_public_key.pem")
fi

echo "== start the app ($mode)"
(cd "$work" && exec env "${app_env[@]}" dotnet app/Luffy.Web.dll --urls "http://127.0.0.1:$port" >"$work/app.log" 2>&1) &
app_pid=$!
pids+=("$app_pid")
wait_for "127.0.0.1:$port/health" || { cat "$work/app.log"; exit 1; }
sleep 1
app_pid=$(pgrep -f "app/Luffy.Web.dll --urls http://127.0.0.1:$port" | head -n 1)

echo "== data: $users users, each with courses 1, 3, 5 (90 days) selected"
timeout 900 dotnet "$work/bench/Luffy.Bench.dll" setup "http://127.0.0.1:$port" "$users" 1,3,5 90 "$work/tokens.txt"
token=$(head -n 1 "$work/tokens.txt" | cut -d' ' -f2)
# SQL commands of one checkout list (the app's X-Sql-Commands header), with 1 and with 3 courses selected.
sql_of_list() { curl -s -D - -o /dev/null "127.0.0.1:$port/cart/order/" -H "Authorization: jwt $token" | tr -d '\r' | awk -F': ' 'tolower($1)=="x-sql-commands"{print $2}'; }
select_course() { curl -sf -o /dev/null -X PUT "127.0.0.1:$port/cart/" -H "Authorization: jwt $token" -H 'Content-Type: application/json' -d "{\"course_id\":$1,\"selected\":$2}"; }
# Cold: the app's catalog cache emptied as after a catalog change (a notice on its Redis channel; embedded: the
# app's own Garnet, the one other port it listens on), so the list reads the courses from the database.
app_redis_port() {
  if [ "$mode" = production ]; then echo "$redis_port"
  else ss -ltnpH | awk -v pid="pid=$app_pid," -v own="127.0.0.1:$port" 'index($0, pid) && $4 != own { n = split($4, a, ":"); print a[n]; exit }'; fi
}
# The embedded Garnet wants the password the app generated in its data directory.
app_redis_auth() { if [ "$mode" = embedded ]; then echo "-a $(cat "$work/data/garnet/password") --no-auth-warning"; fi; }
empty_catalog_cache() { redis-cli -p "$(app_redis_port)" $(app_redis_auth) PUBLISH luffy:catalog_changed bench >/dev/null; sleep 0.3; }
select_course 3 false; select_course 5 false
empty_catalog_cache; sql_one=$(sql_of_list); sql_one_warm=$(sql_of_list)
select_course 3 true; select_course 5 true
empty_catalog_cache; sql=$(sql_of_list); sql_warm=$(sql_of_list)

# One number from the database the app writes to.
sql_scalar() {
  if [ "$mode" = embedded ]; then sqlite3 "$work/data/luffy.db" "$1"
  else PGPASSWORD=postgres psql -q -t -A -h 127.0.0.1 -p "$pg_port" -U postgres -d luffy_bench -c "$1"; fi
}
unbacked_sql="SELECT count(*) FROM ly_order_detail d JOIN ly_order o ON o.id = d.order_id
  LEFT JOIN ly_user_course uc ON uc.user_id = o.user_id AND uc.course_id = d.course_id WHERE o.order_status = 1 AND uc.id IS NULL"

hz=$(getconf CLK_TCK)
# CPU ticks of a set of processes (those alive at both readings), and of the whole machine (busy, all cores).
ticks_of() { local t=0 p; for p in "$@"; do [ -r "/proc/$p/stat" ] && t=$((t + $(awk '{print $14 + $15}' "/proc/$p/stat"))); done; echo "$t"; }
# PostgreSQL's: every postgres process alive at the reading, plus what the postmaster's exited children (backends)
# used (cutime, cstime): a backend that ends during the run is counted, not subtracted.
pg_ticks() { local t=0 p; for p in $(pgrep -u postgres); do [ -r "/proc/$p/stat" ] && t=$((t + $(awk '{print $14 + $15 + $16 + $17}' "/proc/$p/stat"))); done; echo "$t"; }
machine_ticks() { awk '/^cpu / {print $2 + $3 + $4 + $7 + $8}' /proc/stat; }
pct() { awk -v a="$1" -v b="$2" -v hz="$hz" -v s="$3" 'BEGIN { printf "%.0f", (a - b) / hz / s * 100 }'; }
cpu_ticks() { awk '{print $14 + $15}' "/proc/$app_pid/stat"; }
cpu_since() { awk -v a="$(cpu_ticks)" -v b="$1" -v hz="$hz" -v s="$seconds" 'BEGIN { printf "%.0f", (a - b) / hz / s * 100 }'; }

# dotnet-counters beside each workload: thread pool, GC, locks and the SQL command meter, one sample a second.
counters() {
  timeout $(($2 + 30)) "$tools/dotnet-counters" collect -p "$app_pid" --format csv -o "$1.csv" --duration "$(printf '00:%02d:%02d:%02d' $(($2 / 3600)) $(($2 % 3600 / 60)) $(($2 % 60)))" \
    --counters "System.Runtime[dotnet.thread_pool.queue.length,dotnet.thread_pool.thread.count,dotnet.monitor.lock_contentions,dotnet.gc.collections,dotnet.gc.pause.time,dotnet.gc.last_collection.heap.size,dotnet.process.memory.working_set,dotnet.process.cpu.time],Luffy.Sql" >/dev/null 2>&1 &
  sleep 1
}
# What dotnet-counters saw, as one table row: means over the run (max for the working set).
counters_row() {
  awk -F, -v name="$2" 'NR > 1 { n = $3; v = $5; s[n] += v; c[n]++; if (!(n in m) || v > m[n]) m[n] = v }
    function mean(k) { return c[k] ? s[k] / c[k] : 0 }
    END {
      g0 = "dotnet.gc.collections ({collection} / 1 sec)[gc.heap.generation=gen0]"; g1 = g0; sub("gen0", "gen1", g1); g2 = g0; sub("gen0", "gen2", g2)
      heap = "dotnet.gc.last_collection.heap.size (By)[gc.heap.generation="
      printf "| %s | %.0f / %.0f / %.1f | %.1f %% | %.0f | %.0f MB | %.0f MB | %.0f MB | %.0f |\n", name,
        mean(g0), mean(g1), mean(g2), mean("dotnet.gc.pause.time (s / 1 sec)") * 100,
        mean("dotnet.monitor.lock_contentions ({contention} / 1 sec)"),
        (mean(heap "gen0]") + mean(heap "gen1]") + mean(heap "gen2]") + mean(heap "loh]")) / 1048576,
        mean(heap "poh]") / 1048576, m["dotnet.process.memory.working_set (By)"] / 1048576,
        mean("luffy.sql.commands (Count / 1 sec)")
    }' "$1"
}
# Warm-up, not recorded: the JIT is still tiering hundreds of methods a second during the first ~20 s of
# load (dotnet-counters dotnet.jit.compiled_methods), which is start-up cost, not the steady state measured here.
echo "== warm-up: ${warmup}s checkout list"
wrk -t2 -c"$connections" -d"${warmup}s" --timeout 5s -s "$root/bench/get-as-users.lua" "http://127.0.0.1:$port" -- "$work/tokens.txt" /cart/order/ >/dev/null

echo "== checkout list: GET /cart/order/, $connections connections, ${seconds}s"
before=$(cpu_ticks)
counters "$work/counters-list" "$seconds"
wrk -t2 -c"$connections" -d"${seconds}s" --timeout 5s --latency -s "$root/bench/get-as-users.lua" "http://127.0.0.1:$port" -- "$work/tokens.txt" /cart/order/ | tee "$work/wrk.txt"
cpu=$(cpu_since "$before")
rss=$(awk '/VmHWM/ {printf "%.0f", $2 / 1024}' "/proc/$app_pid/status")
rss_now=$(awk '/VmRSS/ {printf "%.0f", $2 / 1024}' "/proc/$app_pid/status")
rps=$(awk '/Requests\/sec/ {print $2}' "$work/wrk.txt")
p() { awk -v q="$1" '$1 == q {print $2}' "$work/wrk.txt"; }
max=$(awk '/Latency/ && !/Distribution/ {print $4; exit}' "$work/wrk.txt")
errors=$(awk '/Non-2xx/ {print $5} /Socket errors/ {gsub(",", ""); print $4 + $6 + $8 + $10}' "$work/wrk.txt" | paste -sd+ | bc 2>/dev/null || echo 0)

# The funnel's warm-up comes after the checkout list: it empties the carts it orders from.
# At full concurrency: with 16 workers the JIT was still tiering the funnel's code up during the measured run
# (perf: the tiered-compilation thread at a third of a core; the rate rose 73 → 164 → 194 it/s over three 15 s runs).
echo "== warm-up: ${warmup}s funnel with $connections workers"
timeout $((warmup + 120)) dotnet "$work/bench/Luffy.Bench.dll" funnel "http://127.0.0.1:$port" "$sandbox_url" "$work/tokens.txt" "$connections" "$warmup" 1,3,5 >/dev/null || true
echo "== funnel: $connections workers, ${seconds}s"
paid_before=$(sql_scalar "SELECT count(*) FROM ly_order WHERE order_status = 1")
redis_pids=(); [ "$mode" = production ] && redis_pids=($(pgrep -f "redis-server 127.0.0.1:$redis_port"))
sandbox_pids=(); [ "$mode" = production ] && sandbox_pids=($(pgrep -f "sandbox/Luffy.AlipaySandbox.dll"))
pg_before=0; [ "$mode" = production ] && pg_before=$(pg_ticks); redis_before=$(ticks_of "${redis_pids[@]}"); sandbox_before=$(ticks_of "${sandbox_pids[@]}")
machine_before=$(machine_ticks); funnel_started=$(date +%s.%N)
before=$(cpu_ticks)
counters "$work/counters-funnel" "$seconds"
set +e
timeout $((seconds + 180)) dotnet "$work/bench/Luffy.Bench.dll" funnel "http://127.0.0.1:$port" "$sandbox_url" "$work/tokens.txt" "$connections" "$seconds" 1,3,5 | tee "$work/funnel.txt"
funnel_status=${PIPESTATUS[0]}
set -e
funnel_wall=$(awk -v a="$(date +%s.%N)" -v b="$funnel_started" 'BEGIN { print a - b }')
rss_peak=$(awk '/VmHWM/ {printf "%.0f", $2 / 1024}' "/proc/$app_pid/status")
machine_cpu=$(pct "$(machine_ticks)" "$machine_before" "$funnel_wall")
# All over the same interval: from the driver's start to its end (the run plus its checks afterwards).
funnel_cpu=$(pct "$(cpu_ticks)" "$before" "$funnel_wall")
pg_cpu=0; [ "$mode" = production ] && pg_cpu=$(pct "$(pg_ticks)" "$pg_before" "$funnel_wall"); redis_cpu=$(pct "$(ticks_of "${redis_pids[@]}")" "$redis_before" "$funnel_wall")
sandbox_cpu=$(pct "$(ticks_of "${sandbox_pids[@]}")" "$sandbox_before" "$funnel_wall")
driver_cpu=$(awk '/^driver-cpu:/ {print $2}' "$work/funnel.txt")
paid_after=$(sql_scalar "SELECT count(*) FROM ly_order WHERE order_status = 1")
unbacked=$(sql_scalar "$unbacked_sql")
funnel_rate=$(awk '/^funnel: .* iterations\/s/ {for (i = 1; i <= NF; i++) if ($i == "=") print $(i + 1)}' "$work/funnel.txt")
# Every SQL command of the funnel, the notifications' included: the app's command meter over the run ÷ iterations.
sql_per_iteration=$(awk -F, -v rate="$funnel_rate" '$3 ~ /^luffy.sql.commands/ { s += $5; n++ } END { if (n && rate > 0) printf "%.1f", s / n / rate; else print "-" }' "$work/counters-funnel.csv")

growth=""
if [ "$mode" = production ]; then
  # Growth: the same reads and order creation with 1 000 and with 1 000 000 orders in the table. The bulk
  # orders belong to 10 000 other customers (100 each at 1 M), so what grows is the table, not the bench
  # users' own histories (the tutorial's GET /users/{id}/orders/ lists all of a user's orders, unpaged).
  psql_bench() { PGPASSWORD=postgres psql -q -h 127.0.0.1 -p "$pg_port" -U postgres -d luffy_bench -v ON_ERROR_STOP=1 "$@"; }
  growth_users=10000
  psql_bench -c "INSERT INTO ly_user (username, normalized_username, password_hash, credit, is_admin, is_disabled, created_at)
    SELECT 'growth_' || g, 'growth_' || g, '!', 0, false, false, now() FROM generate_series(1, $growth_users) AS g;"
  fill_orders() {
    psql_bench -c "INSERT INTO ly_order (order_number, user_id, order_title, total_price, real_price, coupon, credit, pay_type, order_status, created_at)
      SELECT 'G' || lpad(g::text, 24, '0'), (SELECT min(id) FROM ly_user WHERE username LIKE 'growth\_%') + g % $growth_users, 'growth', 10000, 10000, 0, 0, 1, 2,
             now() - (g || ' seconds')::interval
      FROM generate_series((SELECT count(*) FROM ly_order WHERE order_title = 'growth') + 1, $1) AS g;
"
    # What autovacuum does after a bulk load in production: the visibility map lets the per-user count be index-only.
    # Then a checkpoint, so that the load's own aftermath (writing out ~1 GB of dirty pages) is not what is measured.
    psql_bench -c "VACUUM ANALYZE ly_order;" -c "CHECKPOINT;"
  }
  for size in 1000 1000000; do
    echo "== growth: $size bulk-inserted orders"
    fill_orders "$size"
    total=$(psql_bench -t -A -c "SELECT count(*) FROM ly_order")
    wrk -t2 -c"$connections" -d10s --timeout 5s --latency -s "$root/bench/get-as-users.lua" "http://127.0.0.1:$port" -- "$work/tokens.txt" "/orders/?page=1" > "$work/growth-$size.txt"
    timeout 200 dotnet "$work/bench/Luffy.Bench.dll" funnel "http://127.0.0.1:$port" "$sandbox_url" "$work/tokens.txt" 16 10 1,3,5 > "$work/growth-funnel-$size.txt" || true
    page=$(awk '$1 == "50%" || $1 == "99%" {printf "%s ", $2} /Requests\/sec/ {printf "(%s req/s)", $2}' "$work/growth-$size.txt")
    create=$(awk -F'|' '$2 ~ /orders.create/ {gsub(/ /, "", $4); gsub(/ /, "", $6); printf "%s / %s ms", $4, $6}' "$work/growth-funnel-$size.txt")
    growth+="| $total | $page | $create |"$'\n'
  done
fi

limit_line=""
budget_line=""
if [ "$mode" = production ]; then
  echo "== the limit: pgbench with the order-creation and fulfilment SQL, $connections clients, ${seconds}s (the app stopped: the database to itself)"
  kill "$app_pid" 2>/dev/null || true
  sleep 2
  pg_before=$(pg_ticks); machine_before=$(machine_ticks); pgbench_started=$(date +%s.%N)
  PGPASSWORD=postgres pgbench -h 127.0.0.1 -p "$pg_port" -U postgres -n -c "$connections" -j 2 -T "$seconds" \
    -D users="$users" -f "$root/bench/order-and-fulfil.sql" luffy_bench | tee "$work/pgbench.txt"
  pgbench_wall=$(awk -v a="$(date +%s.%N)" -v b="$pgbench_started" 'BEGIN { print a - b }')
  pgbench_pg_cpu=$(pct "$(pg_ticks)" "$pg_before" "$pgbench_wall"); pgbench_machine_cpu=$(pct "$(machine_ticks)" "$machine_before" "$pgbench_wall")
  tps=$(awk '/^tps/ {print $3; exit}' "$work/pgbench.txt")
  ratio=$(awk -v f="$funnel_rate" -v t="$tps" 'BEGIN { if (t > 0) printf "%.1f %%", f / t * 100; else print "-" }')
  limit_line="- the limit: pgbench ($connections clients, ${seconds}s, bench/order-and-fulfil.sql: the order's and the fulfilment's SQL as one script) = ${tps} tps; funnel ÷ limit = ${ratio}; CPU during pgbench: whole machine ${pgbench_machine_cpu}, PostgreSQL ${pgbench_pg_cpu}"
  # Where the funnel's CPU goes per iteration (% of one core × 10 ÷ iterations/s = ms), against pgbench's per
  # transaction, and how far the funnel could go on this machine if the app cost nothing: the other parts' CPU per
  # iteration into both cores.
  budget_line=$(awk -v r="$funnel_rate" -v t="$tps" -v app="$funnel_cpu" -v pg="$pg_cpu" -v sb="$sandbox_cpu" -v dr="${driver_cpu:-0}" \
      -v rd="$redis_cpu" -v m="$machine_cpu" -v tpg="$pgbench_pg_cpu" -v tm="$pgbench_machine_cpu" 'BEGIN {
    if (r <= 0 || t <= 0 || m - app <= 0) exit
    k = 10 / r; ceiling = 2000 / ((m - app) * k)
    printf "- CPU per iteration (ms): app %.2f, PostgreSQL %.2f, sandbox %.2f, load driver %.2f, redis-server %.2f, the rest (kernel, other processes) %.2f; whole machine %.2f. ", app * k, pg * k, sb * k, dr * k, rd * k, (m - app - pg - sb - dr - rd) * k, m * k
    printf "pgbench per transaction: PostgreSQL %.2f, whole machine %.2f. An app that cost no CPU at all would leave the funnel at most %.0f iterations/s on these 2 cores = %.0f %% of the limit\n", tpg * 10 / t, tm * 10 / t, ceiling, ceiling / t * 100 }')
fi

# wrk's latency (850.00us, 17.07ms, 1.02s) in milliseconds.
to_ms() { awk -v v="$1" 'BEGIN { n = v + 0; if (v ~ /us$/) n /= 1000; else if (v ~ /[0-9]s$/ && v !~ /ms$/) n *= 1000; print n }'; }
verdict() { echo "| $2 | $3 | $([ -n "$1" ] && echo met || echo '**missed**') |"; }

history="$root/bench/history/$(date -u +%Y-%m).md"
mkdir -p "$root/bench/history"
[ -e "$history" ] || printf '# Benchmark runs, %s (history)\n\nEvery run of `bench/run.sh` as it appends itself, with the readings written beside them. The current figures are in\n`bench/RESULTS.md`.\n' "$(date -u +%Y-%m)" > "$history"
{
  echo
  echo "## $(date -u '+%Y-%m-%d %H:%M') — bench/run.sh $mode"
  echo
  echo "The app's runtime environment: the .NET defaults (README.md, \"Runtime settings\", lists the knobs a deployment may set)."
  echo
  echo "After a ${warmup} s warm-up of each workload. Checkout list: \`GET /cart/order/\` with 3 selected courses, $users users spread over $connections connections, ${seconds}s, \`wrk -t2 -c$connections --latency\`:"
  echo
  echo "| figure | value |"
  echo "|---|---|"
  echo "| requests/s | $rps |"
  echo "| latency p50 / p90 / p99 / max | $(p 50%) / $(p 90%) / $(p 99%) / $max |"
  echo "| errors (non-2xx + socket) | ${errors:-0} |"
  echo "| SQL commands per request | $sql_warm with the catalog cache warm, $sql with it empty |"
  echo "| app CPU (of one core) | ${cpu} % |"
  echo "| app RSS at the end of the load / peak since start (incl. the $users registrations) | ${rss_now} MB / ${rss} MB |"
  echo
  echo "Funnel (\`bench/Luffy.Bench funnel\`, $connections workers = connections, ${seconds}s; per iteration one user: POST /cart/ ×3, PUT /cart/ ×3,"
  echo "GET /cart/order/, POST /orders/, GET /payments/alipay/url/, the cashier page, the sandbox's scripted pay (notify as in reality), GET /users/{id}/orders/):"
  echo
  grep '^funnel:' "$work/funnel.txt" | sed 's/^funnel: /- /'
  echo "- in the database afterwards: $((paid_after - paid_before)) more paid orders; paid order lines without a purchase record: $unbacked"
  echo "- driver exit status ${funnel_status} (0 = no error response and every paid order fulfilled)"
  echo "- SQL commands per iteration, the notification's included (the app's luffy.sql.commands meter ÷ iterations/s): ${sql_per_iteration}"
  if [ "$mode" = production ]; then
    echo "- CPU during the funnel (% of one core; the machine has 200): whole machine ${machine_cpu}, app ${funnel_cpu}, PostgreSQL ${pg_cpu}, redis-server ${redis_cpu}, sandbox ${sandbox_cpu}, load driver ${driver_cpu}"
  else
    echo "- CPU during the funnel (% of one core; the machine has 200): whole machine ${machine_cpu}, app (with SQLite, Garnet and the sandbox inside) ${funnel_cpu}, load driver ${driver_cpu}"
  fi
  [ -n "$limit_line" ] && echo "$limit_line"
  [ -n "$budget_line" ] && echo "$budget_line"
  echo
  grep '^|' "$work/funnel.txt"
  echo
  echo "dotnet-counters on the app (one sample a second over each workload; GC per second, heaps after the last GC, mean):"
  echo
  echo "| workload | GCs/s gen0 / gen1 / gen2 | time in GC pauses | lock contentions/s | managed heap (gen0–2 + LOH) | pinned heap (POH) | working set max | SQL commands/s |"
  echo "|---|---|---|---|---|---|---|---|"
  counters_row "$work/counters-list.csv" "checkout list"
  counters_row "$work/counters-funnel.csv" "funnel"
  echo
  echo "Targets (issue 6), checked by this script:"
  echo
  echo "| target | measured | |"
  echo "|---|---|---|"
  funnel_errors=$(awk '/^funnel: .* error responses/ {for (i = 1; i <= NF; i++) if ($(i + 1) == "error") print $i}' "$work/funnel.txt" | head -n 1)
  verdict "$([ "${errors:-0}" = 0 ] && [ "${funnel_errors:-1}" = 0 ] && [ "$funnel_status" = 0 ] && [ "$unbacked" = 0 ] && echo 1)" \
    "zero errors, every paid order fulfilled" "list ${errors:-0} errors; funnel ${funnel_errors:-?} error responses, driver exit ${funnel_status}, paid lines without a purchase ${unbacked}"
  p99_ms=$(to_ms "$(p 99%)")
  verdict "$(awk -v v="$p99_ms" 'BEGIN { if (v != "" && v < 20) print 1 }')" "checkout list p99 < 20 ms at $connections connections" "$(p 99%) at $rps req/s"
  if [ "$mode" = production ]; then
    verdict "$(awk -v f="$funnel_rate" -v t="$tps" 'BEGIN { if (t > 0 && f / t >= 0.5) print 1 }')" "funnel ≥ 50 % of the pgbench limit" "$funnel_rate it/s ÷ $tps tps = $ratio"
  fi
  verdict "$([ -n "$sql_one" ] && [ "$sql_one" = "$sql" ] && [ "$sql_one_warm" = "$sql_warm" ] && echo 1)" "SQL per request independent of the number of items" "checkout list with 1 course: $sql_one, with 3: $sql (catalog cache empty); cached: $sql_one_warm and $sql_warm"
  verdict "$([ "$rss_peak" -lt 300 ] && echo 1)" "app RSS < 300 MB under load" "peak $rss_peak MB (since start, through both workloads)"
  if [ -n "$growth" ]; then
    echo
    echo "Growth: \`GET /orders/?page=1\` (wrk, 64 connections, 10 s, p50 / p99) and \`POST /orders/\` inside the funnel (16 workers, 10 s, p50 / p99), with the orders table at:"
    echo
    echo "| orders in the table | GET /orders/?page=1 p50 / p99 | POST /orders/ p50 / p99 |"
    echo "|---|---|---|"
    printf '%s' "$growth"
  fi
} >> "$history"
echo "== appended to ${history#"$root/"} (the current figures in bench/RESULTS.md are updated by hand)"
