#!/usr/bin/env bash
# Lighthouse (the npm package, installed into a temporary directory, never
# the repository) against the web page of the default résumé, served by a
# fresh build on loopback, in Debian's Chromium. Prints the four category
# scores for the mobile and the desktop presets; the JSON reports are kept
# in $OUT (default: a temporary directory, printed).
#
#   bash bench/web/lighthouse.sh
set -euo pipefail
cd "$(dirname "$0")/../.."

LIGHTHOUSE_VERSION=${LIGHTHOUSE_VERSION:-13.5.0}
PORT=${PORT:-18352}
export CHROME_PATH=${CHROME_PATH:-/usr/bin/chromium}
command -v npm >/dev/null || { echo "bench/web: npm is needed" >&2; exit 1; }
[ -x "$CHROME_PATH" ] || { echo "bench/web: no Chromium at $CHROME_PATH" >&2; exit 1; }

tmp=$(mktemp -d)
OUT=${OUT:-$tmp/reports}
mkdir -p "$OUT"
pid=
cleanup() { [ -n "$pid" ] && kill "$pid" 2>/dev/null; wait 2>/dev/null || true; }
trap cleanup EXIT

npm install --silent --no-audit --no-fund --prefix "$tmp/npm" "lighthouse@$LIGHTHOUSE_VERSION" >/dev/null
go build -o "$tmp/resume" ./cmd/resume
"$tmp/resume" serve --addr 127.0.0.1:0 --http-addr "127.0.0.1:$PORT" --data-dir "$tmp/data" \
  --public-url "http://127.0.0.1:$PORT" --log-level warn &
pid=$!
for _ in $(seq 1 100); do curl -sf -o /dev/null "http://127.0.0.1:$PORT/" && break; sleep 0.1; done

flags="--headless --no-sandbox --disable-gpu --disable-background-networking --disable-quic --no-first-run --disable-component-update --disable-sync"
for preset in mobile desktop; do
  extra=()
  [ "$preset" = desktop ] && extra=(--preset=desktop)
  "$tmp/npm/node_modules/.bin/lighthouse" "http://127.0.0.1:$PORT/" "${extra[@]}" --quiet \
    --chrome-flags="$flags" --only-categories=performance,accessibility,best-practices,seo \
    --output=json --output-path="$OUT/$preset.json"
  node -e '
    const r = require(process.argv[1]);
    const c = r.categories, a = r.audits;
    const s = k => Math.round(c[k].score * 100);
    console.log(`${process.argv[2]}: performance ${s("performance")}, accessibility ${s("accessibility")}, best practices ${s("best-practices")}, SEO ${s("seo")}; FCP ${a["first-contentful-paint"].displayValue}, LCP ${a["largest-contentful-paint"].displayValue}, TBT ${a["total-blocking-time"].displayValue}, CLS ${a["cumulative-layout-shift"].displayValue}`);
  ' "$OUT/$preset.json" "$preset"
done
echo "reports: $OUT"
