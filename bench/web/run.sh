#!/usr/bin/env bash
# The web side beside nginx serving the same bytes, measured with wrk, on
# loopback only. It builds resume, starts it and a private nginx (its own
# config, pid and logs in a temporary directory), fetches the gzip-
# compressed page from resume and gives nginx exactly those bytes, then
# runs wrk against each in turn, ROUNDS times, and prints requests/s and
# p50/p99 latency. Everything it starts is stopped on exit.
#
#   bash bench/web/run.sh                 # 50 connections, 10s a run, 2 rounds
#   CONNS=100 DURATION=20s bash bench/web/run.sh
#   PIN=1 bash bench/web/run.sh           # the servers on CPU 0, wrk on CPU 1
#
# By default wrk, nginx and resume share every CPU, so wrk's own waits for
# a CPU count in the latencies it reports. PIN=1 (taskset, needs two CPUs)
# gives each side its own: both servers on CPU 0 (one nginx worker; Go
# sees one CPU), wrk with one thread on CPU 1.
set -euo pipefail
cd "$(dirname "$0")/../.."

CONNS=${CONNS:-50}
THREADS=${THREADS:-2}
DURATION=${DURATION:-10s}
ROUNDS=${ROUNDS:-2}
OURS_PORT=${OURS_PORT:-18350}
NGINX_PORT=${NGINX_PORT:-18351}
PIN=${PIN:-}
server_cpu=() wrk_cpu=() workers=auto
if [ -n "$PIN" ]; then
  command -v taskset >/dev/null || { echo "bench/web: PIN=1 needs taskset (util-linux)" >&2; exit 1; }
  [ "$(nproc)" -ge 2 ] || { echo "bench/web: PIN=1 needs two CPUs" >&2; exit 1; }
  server_cpu=(taskset -c 0) wrk_cpu=(taskset -c 1) workers=1 THREADS=1
fi

for tool in nginx wrk curl; do
  command -v "$tool" >/dev/null || { echo "bench/web: $tool is not installed (apt-get install nginx wrk curl)" >&2; exit 1; }
done

tmp=$(mktemp -d)
pids=()
cleanup() {
  for p in "${pids[@]}"; do kill "$p" 2>/dev/null || true; done
  wait 2>/dev/null || true
  rm -rf "$tmp"
}
trap cleanup EXIT

go build -o "$tmp/resume" ./cmd/resume
# No limits that would refuse a benchmark from one address, no access log
# (nginx has none either), no reload polling.
"${server_cpu[@]}" "$tmp/resume" serve --addr 127.0.0.1:0 --http-addr "127.0.0.1:$OURS_PORT" \
  --data-dir "$tmp/data" --log-level warn --reload-interval 0 \
  --http-rate-per-ip 0 --http-max-conns 100000 --http-max-conns-per-ip 100000 &
pids+=($!)

mkdir -p "$tmp/www"
chmod 755 "$tmp" # nginx's workers run as another user
ua="Mozilla/5.0 (X11; Linux x86_64) bench"
for _ in $(seq 1 100); do
  curl -sf -H 'Accept-Encoding: gzip' -A "$ua" -D "$tmp/headers" -o "$tmp/www/index.html.gz" "http://127.0.0.1:$OURS_PORT/" && break
  sleep 0.1
done
[ -s "$tmp/www/index.html.gz" ] || { echo "bench/web: resume did not answer" >&2; exit 1; }
chmod 644 "$tmp/www/index.html.gz"

# nginx sends the same response: the body, and every header resume sends
# but those nginx makes itself (Date, the length, ETag, Last-Modified) and
# the type and encoding set below. Values are double-quoted for nginx.
extra=$(tr -d '\r' <"$tmp/headers" | awk -F': ' 'NR > 1 && NF > 1 &&
  tolower($1) !~ /^(date|content-type|content-length|content-encoding|etag|last-modified)$/ {
    v = substr($0, length($1) + 3); gsub(/["\\$]/, "\\\\&", v)
    printf "      add_header %s \"%s\";\n", $1, v }')

cat >"$tmp/nginx.conf" <<CONF
worker_processes $workers;
daemon off;
pid $tmp/nginx.pid;
error_log $tmp/nginx-error.log warn;
events { worker_connections 4096; }
http {
  access_log off;
  server_tokens off;
  keepalive_requests 1000000;
  client_body_temp_path $tmp/nginx-body;
  proxy_temp_path $tmp/nginx-proxy;
  fastcgi_temp_path $tmp/nginx-fastcgi;
  uwsgi_temp_path $tmp/nginx-uwsgi;
  scgi_temp_path $tmp/nginx-scgi;
  server {
    listen 127.0.0.1:$NGINX_PORT;
    root $tmp/www;
    location = / {
      default_type "text/html; charset=utf-8";
      add_header Content-Encoding gzip;
$extra
      try_files /index.html.gz =404;
    }
  }
}
CONF
"${server_cpu[@]}" nginx -c "$tmp/nginx.conf" -p "$tmp" &
pids+=($!)
for _ in $(seq 1 100); do
  curl -sf -o /dev/null "http://127.0.0.1:$NGINX_PORT/" && break
  sleep 0.1
done
cmp -s "$tmp/www/index.html.gz" <(curl -sf -H 'Accept-Encoding: gzip' "http://127.0.0.1:$NGINX_PORT/") ||
  { echo "bench/web: nginx does not serve the same bytes" >&2; exit 1; }

bytes=$(wc -c <"$tmp/www/index.html.gz")
hdr() { curl -s -o /dev/null -D - -H 'Accept-Encoding: gzip' -A "$ua" "http://127.0.0.1:$1/" | tr -d '\r' | wc -c; }
echo "response headers: resume $(hdr "$OURS_PORT") bytes, nginx $(hdr "$NGINX_PORT") bytes"
echo "page: $bytes bytes gzip; wrk -t$THREADS -c$CONNS -d$DURATION; $(nproc) CPUs${PIN:+; servers on CPU 0, wrk on CPU 1}"
printf '%-8s %-6s %12s %10s %10s\n' server round 'requests/s' p50 p99
run() {
  local name=$1 port=$2 round=$3 out
  out=$("${wrk_cpu[@]}" wrk -t"$THREADS" -c"$CONNS" -d"$DURATION" --latency \
    -H 'Accept-Encoding: gzip' -H "User-Agent: $ua" "http://127.0.0.1:$port/")
  printf '%-8s %-6s %12s %10s %10s\n' "$name" "$round" \
    "$(awk '/^Requests\/sec/ {print $2}' <<<"$out")" \
    "$(awk '$1 == "50%" {print $2}' <<<"$out")" \
    "$(awk '$1 == "99%" {print $2}' <<<"$out")"
  if grep -q 'Non-2xx' <<<"$out"; then echo "  $name: $(grep 'Non-2xx' <<<"$out")"; fi
}
for r in $(seq 1 "$ROUNDS"); do
  run resume "$OURS_PORT" "$r"
  run nginx "$NGINX_PORT" "$r"
done
