#!/usr/bin/env bash
# A streaming replica of the local PostgreSQL, for CI and for trying the replica router:
#
#   ops/replica.sh start DIR [PORT]   pg_basebackup -R of the primary into DIR/data, started on
#                                     127.0.0.1:PORT (default 5433) as a hot standby
#   ops/replica.sh stop DIR           stop it (DIR can then be removed)
#
# The primary is PRIMARY_HOST:PRIMARY_PORT (default 127.0.0.1:5432, user postgres). It must allow
# replication connections from 127.0.0.1: a `host replication all 127.0.0.1/32 trust` line is
# added to its pg_hba.conf (idempotently) when missing, then the configuration is reloaded —
# meant for a CI or development machine, never a production primary (there: a replication role
# with a password, see docs/scale.md). Runs the server as the postgres user (runuser) when
# started as root.
set -euo pipefail

BIN=${PG_BIN:-$(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -1)}
PRIMARY_HOST=${PRIMARY_HOST:-127.0.0.1}
PRIMARY_PORT=${PRIMARY_PORT:-5432}
cmd=${1:-}
dir=${2:-}
port=${3:-5433}
[ -n "$cmd" ] && [ -n "$dir" ] || { echo "usage: $0 start|stop DIR [PORT]" >&2; exit 2; }

as_pg() {
  if [ "$(id -un)" = postgres ]; then "$@"; else runuser -u postgres -- "$@"; fi
}
psql_primary() {
  psql -X -q -h "$PRIMARY_HOST" -p "$PRIMARY_PORT" -U postgres -At "$@"
}

case "$cmd" in
  start)
    hba=$(psql_primary -c "show hba_file")
    if ! grep -Eq '^[[:space:]]*host[[:space:]]+replication[[:space:]]+[^[:space:]]+[[:space:]]+127\.0\.0\.1/32' "$hba"; then
      echo "host replication all 127.0.0.1/32 trust  # ops/replica.sh (CI)" >> "$hba"
      psql_primary -c "select pg_reload_conf()" >/dev/null
      sleep 1
    fi
    mkdir -p "$dir"
    chmod 755 "$dir"
    chown postgres:postgres "$dir"
    if [ -e "$dir/data" ]; then echo "$dir/data exists: stop and remove it first" >&2; exit 1; fi
    as_pg "$BIN/pg_basebackup" -h "$PRIMARY_HOST" -p "$PRIMARY_PORT" -U postgres \
      -D "$dir/data" -R -X stream -c fast
    # Debian keeps the primary's configuration in /etc: the copy gets its own, minimal one
    as_pg tee "$dir/data/postgresql.conf" >/dev/null <<CONF
listen_addresses = '127.0.0.1'
port = $port
unix_socket_directories = '$dir'
hot_standby = on
shared_buffers = 64MB
CONF
    as_pg tee "$dir/data/pg_hba.conf" >/dev/null <<CONF
local all all trust
host all all 127.0.0.1/32 trust
CONF
    as_pg "$BIN/pg_ctl" -D "$dir/data" -l "$dir/server.log" -w -t 60 start >/dev/null
    for _ in $(seq 1 60); do
      state=$(psql -X -h 127.0.0.1 -p "$port" -U postgres -At -c "select pg_is_in_recovery()" 2>/dev/null || true)
      [ "$state" = t ] && { echo "replica on 127.0.0.1:$port (hot standby of $PRIMARY_HOST:$PRIMARY_PORT)"; exit 0; }
      sleep 1
    done
    echo "the replica did not come up; see $dir/server.log" >&2
    exit 1
    ;;
  stop)
    if [ -f "$dir/data/postmaster.pid" ]; then
      as_pg "$BIN/pg_ctl" -D "$dir/data" -m fast -w stop >/dev/null
    fi
    ;;
  *)
    echo "usage: $0 start|stop DIR [PORT]" >&2; exit 2 ;;
esac
