#!/usr/bin/env bash
# Starts the real servers the service storage tests run against, on loopback:
# a throwaway PostgreSQL cluster (Debian's postgresql, run as the `postgres` OS
# user when started as root) and s3rver (an S3-compatible server, from
# node_modules). Prints the environment the tests read, for
#   eval "$(bash scripts/start-service-servers.sh)"
# Idempotent: servers already running are reused. Everything lives under
# $WCD_SERVICE_DIR (default /tmp/wcd-service-servers); stop them with
#   bash scripts/start-service-servers.sh --stop
set -euo pipefail
cd "$(dirname "$0")/.."
DIR=${WCD_SERVICE_DIR:-/tmp/wcd-service-servers}
PG_PORT=${WCD_PG_PORT:-55432}
S3_PORT=${WCD_S3_PORT:-54568}
PGBIN=$(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -1 || true)
[ -n "$PGBIN" ] && [ -x "$PGBIN/initdb" ] || { echo "start-service-servers: PostgreSQL not installed (run scripts/install-service-deps.sh)" >&2; exit 1; }

as_pg() {
  if [ "$(id -u)" = 0 ]; then runuser -u postgres -- "$@"; else "$@"; fi
}

if [ "${1:-}" = --stop ]; then
  [ -d "$DIR/pg" ] && as_pg "$PGBIN/pg_ctl" -D "$DIR/pg" -m fast stop >&2 || true
  [ -f "$DIR/s3rver.pid" ] && kill "$(cat "$DIR/s3rver.pid")" 2>/dev/null || true
  rm -f "$DIR/s3rver.pid"
  exit 0
fi

mkdir -p "$DIR"
chmod 755 "$DIR"

# PostgreSQL: own cluster, trust authentication on loopback only
if [ ! -f "$DIR/pg/PG_VERSION" ]; then
  mkdir -p "$DIR/pg"
  [ "$(id -u)" = 0 ] && chown postgres: "$DIR/pg"
  as_pg "$PGBIN/initdb" -D "$DIR/pg" -U postgres --auth=trust -E UTF8 >"$DIR/initdb.log" 2>&1 \
    || { cat "$DIR/initdb.log" >&2; exit 1; }
fi
if ! as_pg "$PGBIN/pg_ctl" -D "$DIR/pg" status >/dev/null 2>&1; then
  touch "$DIR/pg.log"; [ "$(id -u)" = 0 ] && chown postgres: "$DIR/pg.log"
  as_pg "$PGBIN/pg_ctl" -D "$DIR/pg" -l "$DIR/pg.log" -w \
    -o "-p $PG_PORT -k /tmp -c listen_addresses=127.0.0.1 -c max_connections=200 -c fsync=off" start >&2 \
    || { cat "$DIR/pg.log" >&2; exit 1; }
fi

# s3rver: detached, so it outlives this script; reused when its port already answers
port_open() { node -e "require('net').connect($1,'127.0.0.1').on('connect',()=>process.exit(0)).on('error',()=>process.exit(1))"; }
if ! port_open "$S3_PORT"; then
  mkdir -p "$DIR/s3"
  setsid nohup node node_modules/s3rver/bin/s3rver.js -d "$DIR/s3" -a 127.0.0.1 -p "$S3_PORT" -s \
    >"$DIR/s3rver.log" 2>&1 < /dev/null &
  echo $! > "$DIR/s3rver.pid"
  for _ in $(seq 1 100); do port_open "$S3_PORT" && break; sleep 0.1; done
  port_open "$S3_PORT" || { echo "start-service-servers: s3rver did not start on port $S3_PORT" >&2; cat "$DIR/s3rver.log" >&2; exit 1; }
fi

echo "export WCD_TEST_PG_URL=postgres://postgres@127.0.0.1:$PG_PORT/postgres"
echo "export WCD_TEST_S3_ENDPOINT=http://127.0.0.1:$S3_PORT"
