#!/usr/bin/env bash
# Two `streamlit run` replicas behind nginx (deploy/nginx.conf) on loopback ports, the load
# test through nginx, then everything stopped. Extra arguments go to bench/load_test.py, e.g.
#   deploy/run_local.sh --sessions 50 --reruns 20 --think 10
# Needs nginx (installed with apt-get when missing). Traffic stays on 127.0.0.1.
set -euo pipefail
cd "$(dirname "$0")/.."
PY=${PYTHON:-.venv/bin/python}
REPLICAS=${REPLICAS:-2}

if ! command -v nginx >/dev/null 2>&1; then
  export DEBIAN_FRONTEND=noninteractive
  apt-get update -qq
  apt-get install -y -qq --no-install-recommends nginx-light >/dev/null \
    || apt-get install -y -qq --no-install-recommends nginx >/dev/null
fi

work=$(mktemp -d /tmp/activation-lab-deploy.XXXXXX)
mkdir -p "$work/logs" "$work/tmp"
pids=()
cleanup() {
  for pid in "${pids[@]}"; do kill "$pid" 2>/dev/null || true; done
  for pid in "${pids[@]}"; do wait "$pid" 2>/dev/null || true; done
  [ -n "${KEEP_WORK:-}" ] || rm -rf "$work"
}
trap cleanup EXIT
trap 'exit 130' INT TERM

free_port() { "$PY" -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])'; }

# One secret for all replicas, so a cookie signed by one is valid on the others.
secret=$("$PY" -c 'import secrets; print(secrets.token_hex(32))')
replica_pids=()
upstreams=""
for i in $(seq 1 "$REPLICAS"); do
  port=$(free_port)
  STREAMLIT_SERVER_COOKIE_SECRET=$secret MALLOC_ARENA_MAX=${MALLOC_ARENA_MAX:-2} \
    "$PY" -m streamlit run app.py \
    --server.port "$port" --server.address 127.0.0.1 --server.headless true \
    --server.fileWatcherType none --browser.gatherUsageStats false \
    >"$work/logs/replica$i.log" 2>&1 &
  pids+=($!)
  replica_pids+=($!)
  upstreams+="        server 127.0.0.1:$port max_fails=3 fail_timeout=10s;\n"
done

listen=$(free_port)
# The shipped config with this run's ports: the replica lines replaced, the listen port moved.
sed -e '/server 127.0.0.1:850[0-9]/d' \
    -e "s|hash \$lab_route consistent;|hash \$lab_route consistent;\n$upstreams|" \
    -e "s|listen 127.0.0.1:8080;|listen 127.0.0.1:$listen;|" \
    deploy/nginx.conf >"$work/nginx.conf"
nginx -t -q -p "$work/" -c "$work/nginx.conf"
nginx -p "$work/" -c "$work/nginx.conf" &
pids+=($!)

url="http://127.0.0.1:$listen"
replicas=$(grep -o "server 127.0.0.1:[0-9]*" "$work/nginx.conf" | cut -d' ' -f2)
# Every replica, and nginx in front of them, must answer before the test starts (<= 90 s).
for target in $replicas "127.0.0.1:$listen"; do
  for try in $(seq 1 300); do
    curl -fsS -o /dev/null "http://$target/_stcore/health" 2>/dev/null && break
    for rp in "${pids[@]}"; do
      kill -0 "$rp" 2>/dev/null || { echo "a server exited:" >&2; tail -n 20 "$work"/logs/*; exit 1; }
    done
    [ "$try" -lt 300 ] || { echo "no answer from $target" >&2; exit 1; }
    sleep 0.3
  done
done
echo "nginx on $url -> replicas $(paste -sd' ' <<<"$replicas")"
echo "route cookie: $(curl -fsS -D - -o /dev/null "$url/" | grep -i '^set-cookie: lab_route' | cut -d';' -f1)"

args=()
for rp in "${replica_pids[@]}"; do args+=(--pid "$rp"); done
for target in $replicas; do args+=(--warm-url "http://$target"); done
status=0
"$PY" bench/load_test.py --url "$url" "${args[@]}" "$@" || status=$?

echo "websocket sessions per replica (from nginx's access log):"
grep '/_stcore/stream' "$work/logs/access.log" | grep -o 'upstream=[0-9.:]*' | sort | uniq -c || true
exit "$status"
