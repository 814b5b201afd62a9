# Sourced by scripts/test (after setup.sh): a throwaway PostgreSQL cluster for
# the store and API tests, from Debian's postgresql package. initdb in a
# temporary directory, as an unprivileged user (PostgreSQL refuses root: the
# package's `postgres` user when run as root), on a free loopback port, with
# password authentication, so a password in TILLOR_DATABASE_URL is handled
# as in production. stop_test_postgres leaves nothing running or on disk.

start_test_postgres() {
  apt_install postgresql
  local bin port password
  bin="$(ls -d /usr/lib/postgresql/*/bin | sort -V | tail -1)"
  PG_DIR="$(mktemp -d /tmp/tillor-pg.XXXXXX)"
  PG_AS=()
  if [ "$(id -u)" = 0 ]; then
    # From /, which every user may enter (the clone may be private to root).
    PG_AS=(env -C / runuser -u postgres --)
    chown postgres "$PG_DIR"
  fi
  PG_BIN="$bin"
  port="$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])')"
  password="$(head -c 18 /dev/urandom | base64 | tr -d '/+=')"
  ( umask 077; printf '%s\n' "$password" > "$PG_DIR/pw" )
  [ ${#PG_AS[@]} -gt 0 ] && chown postgres "$PG_DIR/pw"
  say "PostgreSQL $("$bin/postgres" --version | awk '{print $3}') for the tests, on 127.0.0.1:$port"
  "${PG_AS[@]}" "$bin/initdb" -D "$PG_DIR/data" -U tillor --pwfile="$PG_DIR/pw" \
    -A scram-sha-256 -E UTF8 --no-instructions > "$PG_DIR/initdb.log"
  # fsync off: a test cluster is thrown away, and syncing would only slow it.
  "${PG_AS[@]}" "$bin/pg_ctl" -D "$PG_DIR/data" -l "$PG_DIR/server.log" -w -s \
    -o "-p $port -k $PG_DIR -c listen_addresses=127.0.0.1 -c fsync=off -c max_connections=300" start
  export TILLOR_TEST_DATABASE_URL="postgres://tillor:$password@127.0.0.1:$port/postgres"
}

stop_test_postgres() {
  [ -n "${PG_DIR:-}" ] || return 0
  "${PG_AS[@]}" "$PG_BIN/pg_ctl" -D "$PG_DIR/data" -m immediate -w -s stop || true
  rm -rf "$PG_DIR"
  unset TILLOR_TEST_DATABASE_URL PG_DIR
}
