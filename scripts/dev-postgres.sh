#!/usr/bin/env bash
# A private PostgreSQL for development and tests, no Docker: initdb into a temporary
# directory (as the `postgres` user when run as root: initdb refuses root), start it on
# 127.0.0.1 on a free port, print its URL on stdout (everything else goes to stderr).
#   export OVERSEER_PG_URL=$(scripts/dev-postgres.sh)     # start
#   scripts/dev-postgres.sh stop "$OVERSEER_PG_URL"         # stop it and remove its directory
#   scripts/dev-postgres.sh down|up "$OVERSEER_PG_URL"      # stop it / start it again, data kept
# PGBIN overrides where initdb/pg_ctl are found (default: the newest /usr/lib/postgresql/*/bin).
set -euo pipefail

pgbin=${PGBIN:-$(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -1)}
if [ -z "$pgbin" ] || [ ! -x "$pgbin/initdb" ]; then
  echo "dev-postgres: no PostgreSQL server binaries (initdb) found; install the postgresql package or set PGBIN" >&2
  exit 1
fi

# Runs a command as the postgres user when we are root (initdb and postgres refuse root).
as_owner() {
  if [ "$(id -u)" = 0 ]; then runuser -u postgres -- "$@"; else "$@"; fi
}

case "${1:-}" in
  stop | down | up)
    url=${2:?usage: dev-postgres.sh stop|down|up URL}
    port=$(printf '%s' "$url" | sed -n 's#.*@[^:/]*:\([0-9]*\).*#\1#p')
    state="${TMPDIR:-/tmp}/overseer-pg-$port.dir"
    dir=$(cat "$state" 2>/dev/null || true)
    [ -n "$dir" ] && [ -d "$dir/data" ] || { echo "dev-postgres: no instance started by this script on port ${port:-?}" >&2; exit 1; }
    if [ "$1" = up ]; then
      as_owner "$pgbin/pg_ctl" -D "$dir/data" -l "$dir/postgres.log" -w start >&2
    else
      as_owner "$pgbin/pg_ctl" -D "$dir/data" -m fast -w stop >&2 || true
    fi
    if [ "$1" = stop ]; then rm -rf "$dir" "$state"; fi
    exit 0
    ;;
  "") ;;
  *)
    echo "usage: dev-postgres.sh [stop|down|up URL]" >&2
    exit 2
    ;;
esac

dir=$(mktemp -d "${TMPDIR:-/tmp}/overseer-pg.XXXXXX")
chmod 755 "$dir"
if [ "$(id -u)" = 0 ]; then chown postgres "$dir"; fi
# A free port: bind port 0 and read what the kernel chose (another process could take it
# before PostgreSQL does; then the start fails loudly instead of sharing a port).
port=$(node -e 'const s=require("net").createServer().listen(0,"127.0.0.1",()=>{console.log(s.address().port);s.close()})')
password=overseer
printf '%s\n' "$password" >"$dir/pwfile"
if [ "$(id -u)" = 0 ]; then chown postgres "$dir/pwfile"; fi
as_owner "$pgbin/initdb" -D "$dir/data" -U overseer --pwfile="$dir/pwfile" -A scram-sha-256 -E UTF8 --no-locale >"$dir/initdb.log" 2>&1 ||
  { cat "$dir/initdb.log" >&2; exit 1; }
rm -f "$dir/pwfile"
# Loopback only, on that port, with the socket in the instance's own directory; written into
# its config so `up` starts it the same way.
{
  echo "listen_addresses = '127.0.0.1'"
  echo "port = $port"
  echo "unix_socket_directories = '$dir'"
  echo "max_connections = 200"
} >>"$dir/data/postgresql.conf"
as_owner "$pgbin/pg_ctl" -D "$dir/data" -l "$dir/postgres.log" -w start >&2 ||
  { cat "$dir/postgres.log" >&2; exit 1; }
printf '%s\n' "$dir" >"${TMPDIR:-/tmp}/overseer-pg-$port.dir"
echo "dev-postgres: data in $dir, log $dir/postgres.log" >&2
echo "postgres://overseer:$password@127.0.0.1:$port/postgres"
