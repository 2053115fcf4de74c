#!/usr/bin/env bash
# bench/reports.sh sqlite|postgres — the back office's reports and orders export on a big table: builds Release,
# starts the app once on a fresh database (migrations, the demo catalog and admin), stops it, bulk-loads 1 000 000
# orders (1 300 000 lines, 10 000 users, 50 000 succeeded refunds) over the last year (one every 30 s) with SQL, starts the app
# again on that database and times, as the admin over loopback:
#   GET /admin/api/reports?days=30, ?days=366          (BENCH_RUNS runs each after one warm-up, curl's total time)
#   GET /admin/api/orders/export.csv                   (the whole list, once)
# and prints the figures. Every step is bounded in time; it stops what it started and removes what it made
# (BENCH_KEEP=1 keeps the folder and the database).
#   sqlite:   the embedded default (SQLite, in-process Garnet), the sqlite3 shell loads the rows
#   postgres: PostgreSQL on loopback (the cluster started if it is not), database luffy_reports_bench, loaded with psql
set -euo pipefail
mode=${1:-}
runs=${BENCH_RUNS:-5}
orders=${BENCH_ORDERS:-1000000}
root=$(cd "$(dirname "$0")/.." && pwd)
case "$mode" in sqlite|postgres) ;; *) echo "usage: bench/reports.sh sqlite|postgres" >&2; exit 2 ;; esac

need=()
[ "$mode" = sqlite ] && { command -v sqlite3 >/dev/null || need+=(sqlite3); }
[ "$mode" = postgres ] && { command -v pg_lsclusters >/dev/null || need+=(postgresql); }
if ((${#need[@]})); then apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "${need[@]}" >/dev/null; fi

work=$(mktemp -d)
port=5097
app_pid=""
stop_app() { if [ -n "$app_pid" ]; then kill "$app_pid" 2>/dev/null || true; wait "$app_pid" 2>/dev/null || true; app_pid=""; fi; }
cleanup() {
  stop_app
  if [ -n "${BENCH_KEEP:-}" ]; then echo "kept: $work"; return; fi
  rm -rf "$work"
  if [ "$mode" = postgres ]; then su postgres -c "psql -q -p $pg_port -c 'DROP DATABASE IF EXISTS luffy_reports_bench WITH (FORCE);'" || true; fi
}
trap cleanup EXIT

app_env=(Luffy__DataDirectory="$work/data" Logging__LogLevel__Default=Warning LoginThrottle__PerClient=1000000 LoginThrottle__PerUsername=1000)
if [ "$mode" = postgres ]; then
  read -r pg_version pg_cluster pg_port _ < <(pg_lsclusters --no-header | head -n 1)
  pg_ctlcluster "$pg_version" "$pg_cluster" start 2>/dev/null || true
  for _ in $(seq 1 30); do pg_isready -h 127.0.0.1 -p "$pg_port" -q && break; sleep 1; done
  su postgres -c "psql -q -p $pg_port -c \"ALTER USER postgres PASSWORD 'postgres';\" -c 'DROP DATABASE IF EXISTS luffy_reports_bench WITH (FORCE);' -c 'CREATE DATABASE luffy_reports_bench;'"
  app_env+=(Database__Provider=Postgres ConnectionStrings__Luffy="Host=127.0.0.1;Port=$pg_port;Database=luffy_reports_bench;Username=postgres;Password=postgres")
  # sql "STATEMENT", or the statements on standard input.
  sql() { PGPASSWORD=postgres timeout 1800 psql -q -t -A -h 127.0.0.1 -p "$pg_port" -U postgres -d luffy_reports_bench -v ON_ERROR_STOP=1 ${1:+-c "$1"}; }
  # A time <seconds> before the load's now, as the column wants it.
  ago() { echo "(timestamptz '$now' - ($1) * interval '1 second')"; }
  day_after() { echo "($1 + interval '1 day')"; }
else
  sql() { timeout 1800 sqlite3 -bail "$work/data/luffy.db" "$@"; }
  # EF Core's SQLite text for a DateTime.
  ago() { echo "strftime('%Y-%m-%d %H:%M:%S', '$now', '-' || ($1) || ' seconds')"; }
  day_after() { echo "strftime('%Y-%m-%d %H:%M:%S', $1, '+1 day')"; }
fi

start_app() {
  (cd "$work" && exec env "${app_env[@]}" dotnet app/Luffy.Web.dll --urls "http://127.0.0.1:$port" >>"$work/app.log" 2>&1) &
  app_pid=$!
  for _ in $(seq 1 240); do curl -sf "127.0.0.1:$port/health" >/dev/null && return 0; sleep 0.5; done
  cat "$work/app.log"; echo "not up" >&2; exit 1
}

echo "== build"
timeout 900 dotnet publish "$root/src/Luffy.Web" -c Release -o "$work/app" >/dev/null
echo "== first start: migrations, demo catalog and admin"
start_app
stop_app

now=$(date -u '+%Y-%m-%d %H:%M:%S')
read -r course_min course_count < <(sql "SELECT min(id), count(*) FROM ly_course" | tr '|' ' ')
spacing=$((30931200 / orders))
echo "== load: $orders orders before $now (UTC), one every $spacing s; courses $course_min.. ($course_count)"
load_started=$(date +%s)
# n: 1 … orders, one every $spacing s back from now. Of each 100: 60 paid, 25 timed out, 10 cancelled, 3 refunded, 2 partly
# refunded; every 5th with a 10-yuan coupon, every 7th with 200 credits (20 yuan); 3 in 10 with two lines (the partly
# refunded always). A paid order's pay time is 2 minutes after it was placed, a refund's a day after the payment.
sql <<SQL
INSERT INTO ly_user (username, normalized_username, password_hash, credit, is_admin, is_disabled, created_at)
  WITH RECURSIVE g(n) AS (SELECT 1 UNION ALL SELECT n + 1 FROM g WHERE n < 10000)
  SELECT 'report_' || n, 'report_' || n, '!', 0, FALSE, FALSE, $(ago 31536000) FROM g;
INSERT INTO ly_order (order_number, user_id, order_title, total_price, real_price, coupon, credit, pay_type, order_status,
                      created_at, pay_time, trade_no, refunded_amount, refunded_credit)
  WITH RECURSIVE g(n) AS (SELECT 1 UNION ALL SELECT n + 1 FROM g WHERE n < $orders),
  o AS (SELECT n, 10000 + (n % 50) * 1000 AS total,
               CASE WHEN n % 5 = 0 THEN 1000 ELSE 0 END AS coupon_off, CASE WHEN n % 7 = 0 THEN 200 ELSE 0 END AS credit,
               CASE WHEN n % 100 < 60 THEN 1 WHEN n % 100 < 85 THEN 3 WHEN n % 100 < 95 THEN 2 WHEN n % 100 < 98 THEN 4 ELSE 5 END AS status
        FROM g)
  SELECT 'B' || (1000000000000 + n), (SELECT id FROM ly_user WHERE username = 'report_1') + n % 10000,
         CASE WHEN n % 10 >= 7 THEN 'report-2' ELSE 'report-1' END,
         total, total - coupon_off - credit * 10, CASE WHEN coupon_off > 0 THEN 1 ELSE 0 END, credit, 1, status,
         $(ago "n * $spacing"), CASE WHEN status IN (1, 4, 5) THEN $(ago "n * $spacing - 120") END, CASE WHEN status IN (1, 4, 5) THEN 'T' || n END,
         CASE status WHEN 4 THEN total - coupon_off - credit * 10 WHEN 5 THEN (total - coupon_off - credit * 10) - (total - coupon_off - credit * 10) / 2 ELSE 0 END, 0
  FROM o;
INSERT INTO ly_order_detail (order_id, course_id, course_name, course_img, expire, expire_text, price, policy_price, real_price, discount_name, had_purchase)
  SELECT o.id, c.id, c.name, '', 0, '永久有效', o.total_price, o.total_price,
         CASE WHEN o.order_title = 'report-2' THEN o.real_price - o.real_price / 2 ELSE o.real_price END, '', FALSE
  FROM ly_order o JOIN ly_course c ON c.id = $course_min + (o.id * 7) % $course_count WHERE o.order_title LIKE 'report-%';
INSERT INTO ly_order_detail (order_id, course_id, course_name, course_img, expire, expire_text, price, policy_price, real_price, discount_name, had_purchase)
  SELECT o.id, c.id, c.name, '', 0, '永久有效', 0, 0, o.real_price / 2, '', FALSE
  FROM ly_order o JOIN ly_course c ON c.id = $course_min + (o.id * 7 + 1) % $course_count WHERE o.order_title = 'report-2';
INSERT INTO ly_refund (order_id, user_id, request_no, amount, credit, whole_order, status, reason, requested_by_student,
                       created_at, decided_at, refunded_at, attempts, coupon_released)
  SELECT id, user_id, 'RB' || id, refunded_amount, 0, order_status = 4, 3, 'bench', TRUE,
         $(day_after pay_time), $(day_after pay_time), $(day_after pay_time), 1, FALSE
  FROM ly_order WHERE order_title LIKE 'report-%' AND order_status IN (4, 5);
UPDATE ly_order_detail SET refund_id = (SELECT r.id FROM ly_refund r WHERE r.order_id = ly_order_detail.order_id)
  WHERE order_id IN (SELECT id FROM ly_order WHERE order_status = 4 AND order_title LIKE 'report-%')
     OR id IN (SELECT min(d.id) FROM ly_order_detail d JOIN ly_order o ON o.id = d.order_id
               WHERE o.order_status = 5 AND o.order_title LIKE 'report-%' GROUP BY d.order_id);
SQL
echo "loaded in $(( $(date +%s) - load_started )) s"
# What autovacuum does after a bulk load; then a checkpoint, so the load's own writes are not what is measured.
if [ "$mode" = postgres ]; then sql "VACUUM ANALYZE"; sql "CHECKPOINT"; fi
echo "rows: $(sql "SELECT (SELECT count(*) FROM ly_order) || ' orders, ' || (SELECT count(*) FROM ly_order_detail) || ' lines, ' || (SELECT count(*) FROM ly_refund) || ' refunds'")"

echo "== start the app on the loaded database"
start_app
token=$(curl -sf -X POST "127.0.0.1:$port/users/login/" -H 'Content-Type: application/json' -d '{"username":"admin","password":"admin1234"}' | sed 's/.*"token":"\([^"]*\)".*/\1/')
# One warm-up, then $runs timed runs: "min / median / max" seconds of curl's total time.
timed() {
  local times=() status
  curl -sf -o /dev/null -H "Authorization: Bearer $token" --max-time 120 "127.0.0.1:$port$1"
  for _ in $(seq 1 "$runs"); do
    read -r status t < <(curl -s -o /dev/null -w '%{http_code} %{time_total}\n' -H "Authorization: Bearer $token" --max-time 120 "127.0.0.1:$port$1")
    [ "$status" = 200 ] || { echo "$1 answered $status" >&2; exit 1; }
    times+=("$t")
  done
  printf '%s\n' "${times[@]}" | sort -n | awk '{ a[NR] = $1 } END { printf "%.3f / %.3f / %.3f s", a[1], a[int((NR + 1) / 2)], a[NR] }'
}
r30=$(timed "/admin/api/reports?days=30")
r366=$(timed "/admin/api/reports?days=366")
read -r export_status export_time export_size < <(curl -s -o "$work/export.csv" -w '%{http_code} %{time_total} %{size_download}\n' -H "Authorization: Bearer $token" --max-time 600 "127.0.0.1:$port/admin/api/orders/export.csv")
[ "$export_status" = 200 ] || { echo "export answered $export_status" >&2; exit 1; }
export_rows=$(($(wc -l < "$work/export.csv") - 1))
rss=$(awk '/VmHWM/ {printf "%.0f", $2 / 1024}' "/proc/$(pgrep -f "app/Luffy.Web.dll --urls http://127.0.0.1:$port" | head -n 1)/status")
curl -sf -o "$work/report.json" -H "Authorization: Bearer $token" "127.0.0.1:$port/admin/api/reports?days=30"
head -c 600 "$work/report.json"; echo

echo
echo "== bench/reports.sh $mode, $(date -u '+%Y-%m-%d %H:%M') UTC, $orders orders"
echo "| figure | min / median / max of $runs runs |"
echo "|---|---|"
echo "| GET /admin/api/reports?days=30 | $r30 |"
echo "| GET /admin/api/reports?days=366 | $r366 |"
echo "| GET /admin/api/orders/export.csv (the whole list, once) | ${export_time} s, $export_rows rows, $((export_size / 1048576)) MB; app peak RSS ${rss} MB |"
