#!/usr/bin/env bash
# Quick measurement of the checkout list (GET /cart/order/) on the embedded default, Release build.
# Usage: bench/cart-order.sh [seconds] [connections]   — loopback only, stops by itself.
set -euo pipefail
seconds=${1:-10}
connections=${2:-64}
root=$(cd "$(dirname "$0")/.." && pwd)
work=$(mktemp -d)
port=5099
dotnet publish "$root/src/Luffy.Web" -c Release -o "$work/app" >/dev/null
cd "$work"
Luffy__SqlCountHeader=true dotnet app/Luffy.Web.dll --urls "http://127.0.0.1:$port" >app.log 2>&1 &
app=$!
trap 'kill $app 2>/dev/null; wait $app 2>/dev/null; rm -rf "$work"' EXIT
for _ in $(seq 1 60); do curl -sf "127.0.0.1:$port/health" >/dev/null && break; sleep 0.5; done

token=$(curl -s -XPOST "127.0.0.1:$port/users/login/" -H 'content-type: application/json' \
  -d '{"username":"demo","password":"demo1234"}' | sed 's/.*"token":"\([^"]*\)".*/\1/')
for course in 1 3 5; do
  curl -s -XPOST "127.0.0.1:$port/cart/" -H "Authorization: jwt $token" -H 'content-type: application/json' \
    -d "{\"course_id\":$course,\"expire_time\":90}" >/dev/null
done
echo "SQL commands per request: $(curl -s -D - -o /dev/null "127.0.0.1:$port/cart/order/" -H "Authorization: jwt $token" | tr -d '\r' | awk -F': ' 'tolower($1)=="x-sql-commands"{print $2}')"
wrk -t2 -c"$connections" -d"${seconds}s" --latency -H "Authorization: jwt $token" "http://127.0.0.1:$port/cart/order/"
echo "peak RSS of the app: $(awk '/VmHWM/{print $2, $3}' /proc/$app/status)"
