#!/usr/bin/env bash
# bench/run.sh embedded — builds Release, starts the app on loopback with a fresh data directory (SQLite +
# embedded Garnet + sandbox), makes 2000 users with 3 selected courses each, runs the checkout-list
# workload with wrk and the checkout funnel with bench/Luffy.Bench, stops everything it started and
# appends the figures to bench/RESULTS.md.
# Bounded: every step stops by itself. Loopback only.
set -euo pipefail
mode=${1:-}
seconds=${BENCH_SECONDS:-30}
connections=${BENCH_CONNECTIONS:-64}
users=${BENCH_USERS:-2000}
root=$(cd "$(dirname "$0")/.." && pwd)

if [ "$mode" != "embedded" ]; then
  echo "usage: bench/run.sh embedded   (the production mode — PostgreSQL, redis-server, the sandbox as its own process — is not built yet)" >&2
  exit 2
fi
command -v wrk >/dev/null || { apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq wrk >/dev/null; }

work=$(mktemp -d)
port=5099
app_pid=""
cleanup() {
  [ -n "$app_pid" ] && kill "$app_pid" 2>/dev/null && wait "$app_pid" 2>/dev/null || true
  rm -rf "$work"
}
trap cleanup EXIT

echo "== build"
dotnet publish "$root/src/Luffy.Web" -c Release -o "$work/app" >/dev/null
dotnet build "$root/bench/Luffy.Bench" -c Release -o "$work/bench" >/dev/null

echo "== start the app (embedded)"
cd "$work"
Luffy__DataDirectory="$work/data" Luffy__SqlCountHeader=true \
LoginThrottle__PerClient=100000000 LoginThrottle__PerUsername=1000 \
Logging__LogLevel__Default=Warning \
  dotnet app/Luffy.Web.dll --urls "http://127.0.0.1:$port" >"$work/app.log" 2>&1 &
app_pid=$!
for _ in $(seq 1 120); do curl -sf "127.0.0.1:$port/health" >/dev/null && break; sleep 0.5; done
curl -sf "127.0.0.1:$port/health" >/dev/null || { echo "the app did not start"; cat "$work/app.log"; exit 1; }

echo "== data: $users users, each with courses 1, 3, 5 (90 days) selected"
timeout 600 dotnet "$work/bench/Luffy.Bench.dll" setup "http://127.0.0.1:$port" "$users" 1,3,5 90 "$work/tokens.txt"
token=$(head -n 1 "$work/tokens.txt" | cut -d' ' -f2)
sql=$(curl -s -D - -o /dev/null "127.0.0.1:$port/cart/order/" -H "Authorization: jwt $token" | tr -d '\r' | awk -F': ' 'tolower($1)=="x-sql-commands"{print $2}')

cpu_ticks() { awk '{print $14 + $15}' "/proc/$app_pid/stat"; }
echo "== checkout list: GET /cart/order/, $connections connections, ${seconds}s"
before=$(cpu_ticks)
wrk -t2 -c"$connections" -d"${seconds}s" --timeout 5s --latency -s "$root/bench/checkout-list.lua" "http://127.0.0.1:$port" -- "$work/tokens.txt" | tee "$work/wrk.txt"
after=$(cpu_ticks)
hz=$(getconf CLK_TCK)
cpu=$(awk -v a="$after" -v b="$before" -v hz="$hz" -v s="$seconds" 'BEGIN { printf "%.0f", (a - b) / hz / s * 100 }')
rss=$(awk '/VmHWM/ {printf "%.0f", $2 / 1024}' "/proc/$app_pid/status")
rss_now=$(awk '/VmRSS/ {printf "%.0f", $2 / 1024}' "/proc/$app_pid/status")

rps=$(awk '/Requests\/sec/ {print $2}' "$work/wrk.txt")
p() { awk -v q="$1" '$1 == q {print $2}' "$work/wrk.txt"; }
max=$(awk '/Latency/ && !/Distribution/ {print $4; exit}' "$work/wrk.txt")
errors=$(awk '/Non-2xx/ {print $5} /Socket errors/ {gsub(",", ""); print $4 + $6 + $8 + $10}' "$work/wrk.txt" | paste -sd+ | bc 2>/dev/null || echo 0)

{
  echo
  echo "## $(date -u '+%Y-%m-%d %H:%M') — bench/run.sh embedded (checkout list)"
  echo
  echo "\`GET /cart/order/\` with 3 selected courses, $users users spread over $connections connections, ${seconds}s, \`wrk -t2 -c$connections --latency\`:"
  echo
  echo "| figure | value |"
  echo "|---|---|"
  echo "| requests/s | $rps |"
  echo "| latency p50 / p90 / p99 / max | $(p 50%) / $(p 90%) / $(p 99%) / $max |"
  echo "| errors (non-2xx + socket) | ${errors:-0} |"
  echo "| SQL commands per request | $sql |"
  echo "| app CPU (of one core) | ${cpu} % |"
  echo "| app RSS at the end of the load / peak since start (incl. the 2000 registrations) | ${rss_now} MB / ${rss} MB |"
} >> "$root/bench/RESULTS.md"
echo "== funnel: $connections workers, ${seconds}s"
before=$(cpu_ticks)
set +e
timeout $((seconds + 120)) dotnet "$work/bench/Luffy.Bench.dll" funnel "http://127.0.0.1:$port" "$work/tokens.txt" "$connections" "$seconds" 1,3,5 | tee "$work/funnel.txt"
funnel_status=${PIPESTATUS[0]}
set -e
after=$(cpu_ticks)
cpu=$(awk -v a="$after" -v b="$before" -v hz="$hz" -v s="$seconds" 'BEGIN { printf "%.0f", (a - b) / hz / s * 100 }')
{
  echo
  echo "Funnel (\`bench/Luffy.Bench funnel\`, $connections workers = connections, ${seconds}s; per iteration one user: POST /cart/ ×3, PUT /cart/ ×3,"
  echo "GET /cart/order/, POST /orders/, GET /payments/alipay/url/, the cashier page, the sandbox's scripted pay (notify as in reality), GET /users/{id}/orders/):"
  echo
  grep '^funnel:' "$work/funnel.txt" | sed 's/^funnel: /- /'
  echo "- app CPU (of one core) during the funnel: ${cpu} %; driver exit status ${funnel_status} (0 = no error response and every paid order fulfilled)"
  echo
  grep '^|' "$work/funnel.txt"
} >> "$root/bench/RESULTS.md"
echo "== appended to bench/RESULTS.md"
