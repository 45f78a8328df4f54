#!/usr/bin/env bash
# django-helpdesk on the same machine, driven by the same load generator as Aftersail.
#
#   bench/django-helpdesk/run.sh [TICKETS] [-- extra aftersail-bench options]
#
# Creates a venv under $DJHD_WORK (default /tmp/djhd-bench) with the pinned requirements,
# a fresh PostgreSQL database djhd_bench_<TICKETS>, migrates it, fills it (generate.py), runs
# it under gunicorn (DEBUG off; workers = 2 x cores + 1, gunicorn's documented rule), then
# runs `aftersail-bench --target django` against it (same clients, warm-up, duration and
# scenarios as the Aftersail run), and finally stops gunicorn and drops the database
# (KEEP=1 keeps both). Needs python3 (3.10+), psql and PostgreSQL at 127.0.0.1:5432
# (superuser postgres, trust auth), as the Aftersail bench does.
set -euo pipefail

HERE="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
ROOT="$(cd "$HERE/../.." && pwd)"
TICKETS="${1:-10000}"
shift || true
[ "${1:-}" = "--" ] && shift
WORK="${DJHD_WORK:-/tmp/djhd-bench}"
PORT="${DJHD_PORT:-8001}"
DB="djhd_bench_${TICKETS}"
PG="${DJHD_PG:-postgres://postgres@127.0.0.1:5432}"
CORES="$(nproc)"
WORKERS="${DJHD_WORKERS:-$((2 * CORES + 1))}"

mkdir -p "$WORK"
if [ ! -x "$WORK/venv/bin/gunicorn" ]; then
    python3 -m venv "$WORK/venv"
    "$WORK/venv/bin/pip" install --quiet --disable-pip-version-check -r "$HERE/requirements.txt"
fi
PY="$WORK/venv/bin/python"
echo "django-helpdesk $("$PY" -c 'import importlib.metadata as m; print(m.version("django-helpdesk"))'), Django $("$PY" -c 'import django; print(django.get_version())'), $("$PY" --version)"

export DJHD_DATABASE="$DB" DJHD_WORK="$WORK" PYTHONPATH="$HERE"
export DJANGO_SETTINGS_MODULE=djhd_bench.settings
psql "$PG/postgres" -q -c "DROP DATABASE IF EXISTS $DB WITH (FORCE)" -c "CREATE DATABASE $DB"

cleanup() {
    if [ -f "$WORK/gunicorn.pid" ]; then
        kill "$(cat "$WORK/gunicorn.pid")" 2>/dev/null || true
        sleep 2
    fi
    if [ "${KEEP:-0}" != 1 ]; then
        psql "$PG/postgres" -q -c "DROP DATABASE IF EXISTS $DB WITH (FORCE)" || true
    fi
}
trap cleanup EXIT

"$PY" "$HERE/manage.py" migrate --verbosity 0
"$PY" "$HERE/generate.py" "$TICKETS"
psql "$PG/$DB" -q -c "VACUUM ANALYZE"

rm -f "$WORK/gunicorn.pid"
"$WORK/venv/bin/gunicorn" djhd_bench.wsgi:application \
    --chdir "$HERE" --bind "127.0.0.1:$PORT" --workers "$WORKERS" \
    --pid "$WORK/gunicorn.pid" --log-level warning --daemon
for _ in $(seq 1 100); do
    curl -fs -o /dev/null "http://127.0.0.1:$PORT/login/" && break
    sleep 0.2
done
echo "gunicorn: $WORKERS sync workers on 127.0.0.1:$PORT, master pid $(cat "$WORK/gunicorn.pid")"

cd "$ROOT"
cargo run --release -q -p aftersail-bench -- --target django \
    --django-url "http://127.0.0.1:$PORT" \
    --django-database-url "$PG/$DB" \
    --server-pid "$(cat "$WORK/gunicorn.pid")" \
    --tickets "$TICKETS" "$@"
