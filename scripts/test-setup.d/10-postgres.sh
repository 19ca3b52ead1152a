# Start a throwaway PostgreSQL server for the storage tests and export its address as
# HOTLINE_TEST_POSTGRES_URL. The server comes from the OS packages (apt-get install
# postgresql when missing); its cluster lives in a temporary folder, listens on a free
# port of 127.0.0.1 only, runs as the postgres user (when root) or as you, and is
# stopped and deleted when the shell that sourced this file exits.
# Sourced by scripts/test (as root in CI on Debian 12); fails loudly.
# Already have a server? Set HOTLINE_TEST_POSTGRES_URL yourself and this does nothing.

_hotline_pg_fail() { echo "10-postgres.sh: $*" >&2; return 1; }

_hotline_pg_bindir() {
  # Debian keeps the server programs (initdb, pg_ctl) out of PATH, one folder per version.
  local dir
  dir=$(find /usr/lib/postgresql -mindepth 2 -maxdepth 2 -name bin 2>/dev/null | sort -V | tail -n 1)
  if [ -n "$dir" ] && [ -x "$dir/pg_ctl" ]; then echo "$dir"; return 0; fi
  command -v pg_ctl >/dev/null && dirname "$(readlink -f "$(command -v pg_ctl)")"
}

_hotline_pg_install() {
  local sudo=()
  if [ "$(id -u)" != 0 ]; then
    command -v sudo >/dev/null || _hotline_pg_fail "PostgreSQL is not installed; run as root or: sudo apt-get install postgresql" || return 1
    sudo=(sudo)
  fi
  command -v apt-get >/dev/null || _hotline_pg_fail "no apt-get here: install the PostgreSQL server (initdb, pg_ctl) yourself" || return 1
  echo "installing postgresql with apt-get"
  ${sudo[@]+"${sudo[@]}"} apt-get update -qq || _hotline_pg_fail "apt-get update failed" || return 1
  ${sudo[@]+"${sudo[@]}"} env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends postgresql \
    || _hotline_pg_fail "apt-get install postgresql failed" || return 1
}

_hotline_pg_stop() {
  [ -n "${_hotline_pg_dir:-}" ] || return 0
  ${_hotline_pg_as[@]+"${_hotline_pg_as[@]}"} "$_hotline_pg_bin/pg_ctl" -D "$_hotline_pg_dir/data" -m immediate stop \
    >/dev/null 2>&1 || true
  rm -rf "$_hotline_pg_dir"
  _hotline_pg_dir=
}

_hotline_pg_start() {
  local port password previous
  _hotline_pg_bin=$(_hotline_pg_bindir) || true
  if [ -z "$_hotline_pg_bin" ]; then
    _hotline_pg_install || return 1
    _hotline_pg_bin=$(_hotline_pg_bindir) || _hotline_pg_fail "postgresql installed, but no pg_ctl found" || return 1
  fi
  _hotline_pg_dir=$(mktemp -d "${TMPDIR:-/tmp}/hotline-pg.XXXXXX") || _hotline_pg_fail "mktemp failed" || return 1
  _hotline_pg_as=()
  if [ "$(id -u)" = 0 ]; then  # the server refuses to run as root
    _hotline_pg_as=(runuser -u postgres --)
    chown postgres: "$_hotline_pg_dir" || _hotline_pg_fail "no postgres user to run the server as" || return 1
  fi
  # Stop the server when the shell ends, after whatever else was set to run then.
  eval "previous=($(trap -p EXIT))"
  trap "_hotline_pg_stop; ${previous[2]:-}" EXIT
  port=$(python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')
  password=$(python3 -c 'import secrets; print(secrets.token_hex(16))')
  ${_hotline_pg_as[@]+"${_hotline_pg_as[@]}"} "$_hotline_pg_bin/initdb" -D "$_hotline_pg_dir/data" -U postgres \
    --auth-local=trust --auth-host=scram-sha-256 -E UTF8 --locale=C --no-sync >"$_hotline_pg_dir/initdb.log" 2>&1 \
    || _hotline_pg_fail "initdb failed: $(cat "$_hotline_pg_dir/initdb.log")" || return 1
  # fsync off: a test server never needs to survive a power cut, and the tests run faster.
  ${_hotline_pg_as[@]+"${_hotline_pg_as[@]}"} "$_hotline_pg_bin/pg_ctl" -D "$_hotline_pg_dir/data" -w -t 60 \
    -l "$_hotline_pg_dir/server.log" -o "-h 127.0.0.1 -p $port -k $_hotline_pg_dir -c fsync=off" start >/dev/null \
    || _hotline_pg_fail "the server did not start: $(cat "$_hotline_pg_dir/server.log")" || return 1
  ${_hotline_pg_as[@]+"${_hotline_pg_as[@]}"} "$_hotline_pg_bin/psql" -h "$_hotline_pg_dir" -p "$port" -U postgres \
    -d postgres -q -v ON_ERROR_STOP=1 -c "CREATE ROLE hotline_test LOGIN PASSWORD '$password'" \
    -c "CREATE DATABASE hotline_test OWNER hotline_test" \
    || _hotline_pg_fail "could not create the hotline_test user and database" || return 1
  export HOTLINE_TEST_POSTGRES_URL="postgresql://hotline_test:${password}@127.0.0.1:${port}/hotline_test"
  echo "$("$_hotline_pg_bin/postgres" --version) for the tests on 127.0.0.1:${port}"
}

if [ -n "${HOTLINE_TEST_POSTGRES_URL:-}" ]; then
  echo "using the PostgreSQL server in HOTLINE_TEST_POSTGRES_URL"
else
  _hotline_pg_start || return 1
fi
