#!/usr/bin/env bash
# bench/run.sh: learnbot's performance suite, in one command (see BENCHMARKS.md).
#
# Builds learnbot and loadgen, creates a fresh PostgreSQL database, starts the
# fake Slack Web API, the floor and `learnbot serve` on loopback, runs every
# scenario (loadgen bench), prints the summary table, then stops what it
# started and drops the database. Not part of CI.
#
#   bench/run.sh                          # everything, 200 req/s for 20 s per load
#   PROFILE=1 bench/run.sh                # also CPU and heap profiles of learnbot (pprof top in profiles.txt)
#   bench/run.sh -scenarios read -duration 10s    # extra flags go to loadgen bench (loadgen bench -h)
#
# Environment: LEARNBOT_BENCH_PG (a PostgreSQL URL whose user may CREATE
# DATABASE; default postgres://postgres@127.0.0.1:5432/test?sslmode=disable),
# BENCH_OUT (results directory; default bench/out/<date-time>), LEARNBOT_BIN
# (a learnbot binary to measure instead of this tree's: old and new code back
# to back with the same loadgen).
set -euo pipefail

cd "$(dirname "$0")/.."
export PATH="$PATH:/usr/local/go/bin"
PG="${LEARNBOT_BENCH_PG:-postgres://postgres@127.0.0.1:5432/test?sslmode=disable}"
OUT="${BENCH_OUT:-bench/out/$(date +%Y%m%d-%H%M%S)}"
mkdir -p "$OUT"
OUT="$(cd "$OUT" && pwd)"
RUN="$(mktemp -d /tmp/learnbot-bench.XXXXXX)"
DB="learnbot_bench_$(date +%s)_$$"
pids=()

cleanup() {
	local status=$?
	# stop in reverse order of start, each by its own process ID
	for ((i = ${#pids[@]} - 1; i >= 0; i--)); do
		kill -TERM "${pids[i]}" 2>/dev/null || true
	done
	for ((i = ${#pids[@]} - 1; i >= 0; i--)); do
		for _ in $(seq 100); do kill -0 "${pids[i]}" 2>/dev/null || break; sleep 0.1; done
		kill -KILL "${pids[i]}" 2>/dev/null || true
		wait "${pids[i]}" 2>/dev/null || true
	done
	psql "$PG" -qc "DROP DATABASE IF EXISTS $DB WITH (FORCE)" >/dev/null 2>&1 || echo "bench: could not drop database $DB" >&2
	rm -rf "$RUN"
	exit $status
}
trap cleanup EXIT
trap 'exit 130' INT TERM

# waitfile FILE PATTERN: wait up to 60 s for a line matching PATTERN in FILE.
waitfile() {
	for _ in $(seq 600); do
		if grep -q "$2" "$1" 2>/dev/null; then return 0; fi
		sleep 0.1
	done
	echo "bench: timed out waiting for $2 in $1" >&2
	tail -20 "$1" >&2 || true
	return 1
}

echo "== building"
if [[ -n "${LEARNBOT_BIN:-}" ]]; then
	cp "$LEARNBOT_BIN" "$RUN/learnbot"
else
	go build -o "$RUN/learnbot" ./cmd/learnbot
fi
(cd bench && go build -o "$RUN/loadgen" ./loadgen)

{
	echo "date: $(date -u +%Y-%m-%dT%H:%M:%SZ)"
	echo "commit: $(git rev-parse --short HEAD 2>/dev/null || echo unknown)$(git status --porcelain 2>/dev/null | grep -q . && echo ' (with uncommitted changes)')"
	if [[ -n "${LEARNBOT_BIN:-}" ]]; then echo "learnbot: $LEARNBOT_BIN ($("$RUN/learnbot" version 2>/dev/null | head -1))"; fi
	echo "nproc: $(nproc)"
	echo "memory: $(free -m | awk '/^Mem:/ {print $2 " MB"}')"
	echo "cpu: $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2- | sed 's/^ //')"
	echo "go: $(go version)"
	echo "postgres: $(psql "$PG" -Atc 'SHOW server_version')"
	echo "load before: $(cut -d' ' -f1-3 /proc/loadavg)"
} | tee "$OUT/machine.txt"

echo "== database $DB"
psql "$PG" -qc "CREATE DATABASE $DB" >/dev/null
DBURL="$(echo "$PG" | sed -E "s#^(postgres(ql)?://[^/]+/)[^?]*#\1$DB#")"

eval "$("$RUN/loadgen" keygen | sed 's/^/export /')"
export SLACK_SIGNING_SECRET="bench-$RANDOM$RANDOM"
export SLACK_BOT_TOKEN="xoxb-bench"
export DISCORD_BOT_TOKEN="bench-bot-token"

"$RUN/loadgen" fake -addr 127.0.0.1:0 -addr-file "$RUN/fake.url" >"$OUT/fake.log" 2>&1 &
pids+=($!)
"$RUN/loadgen" floor -addr 127.0.0.1:0 -addr-file "$RUN/floor.url" -db "$DBURL" >"$OUT/floor.log" 2>&1 &
pids+=($!)
waitfile "$RUN/fake.url" http
waitfile "$RUN/floor.url" http
FAKE="$(cat "$RUN/fake.url")"
FLOOR="$(cat "$RUN/floor.url")"

pprof_flag=()
learnbot_env=(
	LEARNBOT_DATABASE_URL="$DBURL"
	LEARNBOT_ADDR=127.0.0.1:0
	LEARNBOT_PUBLIC_URL=http://127.0.0.1
	LEARNBOT_ADMINS=slack:UADMIN,discord:100000000000000002
	LEARNBOT_SLACK_API_URL="$FAKE/api/"
	LEARNBOT_DISCORD_API_URL="$FAKE/discord/api/v10/"
	DISCORD_APP_ID=100000000000000009
)
if [[ "${PROFILE:-0}" == 1 ]]; then
	learnbot_env+=(LEARNBOT_PPROF_ADDR=127.0.0.1:0)
fi
env "${learnbot_env[@]}" "$RUN/learnbot" serve >"$OUT/learnbot.log" 2>&1 &
LB_PID=$!
pids+=("$LB_PID")
waitfile "$OUT/learnbot.log" 'msg=serving'
LB="http://$(grep -m1 'msg=serving' "$OUT/learnbot.log" | sed -E 's/.*addr=([^ ]+).*/\1/')"
if [[ "${PROFILE:-0}" == 1 ]]; then
	waitfile "$OUT/learnbot.log" 'variable=LEARNBOT_PPROF_ADDR'
	pprof_flag=(-pprof "http://$(grep -m1 'variable=LEARNBOT_PPROF_ADDR' "$OUT/learnbot.log" | sed -E 's/.*addr=([^ ]+).*/\1/')")
fi
echo "== learnbot $LB (pid $LB_PID), floor $FLOOR, fake $FAKE; results in $OUT"

# The crash scenario kills learnbot (SIGKILL) mid fan-out and writes
# $RUN/killed; another learnbot is started here on the same database and
# announced to loadgen in $RUN/restarted ("<base URL> <pid>").
# The replicas scenario starts more learnbot processes on the same database:
# loadgen gets learnbot's environment and binary for them.
(
	env "${learnbot_env[@]}" "$RUN/loadgen" bench -learnbot "$LB" -floor "$FLOOR" -fake "$FAKE" -pid "$LB_PID" -out "$OUT" \
		-restart-dir "$RUN" -learnbot-bin "$RUN/learnbot" "${pprof_flag[@]}" "$@" | tee "$OUT/bench.log"
) &
BENCH_PID=$!
pids+=("$BENCH_PID")
while kill -0 "$BENCH_PID" 2>/dev/null; do
	if [[ -e "$RUN/killed" && ! -e "$RUN/restarted" ]]; then
		wait "$LB_PID" 2>/dev/null || true
		env "${learnbot_env[@]}" "$RUN/learnbot" serve >"$OUT/learnbot-restarted.log" 2>&1 &
		LB_PID=$!
		pids+=("$LB_PID")
		waitfile "$OUT/learnbot-restarted.log" 'msg=serving'
		echo "http://$(grep -m1 'msg=serving' "$OUT/learnbot-restarted.log" | sed -E 's/.*addr=([^ ]+).*/\1/') $LB_PID" >"$RUN/restarted.tmp"
		mv "$RUN/restarted.tmp" "$RUN/restarted"
		echo "== learnbot restarted after the crash: pid $LB_PID"
	fi
	sleep 0.2
done
wait "$BENCH_PID"

echo "load after: $(cut -d' ' -f1-3 /proc/loadavg)" | tee -a "$OUT/machine.txt"
if [[ "${PROFILE:-0}" == 1 ]]; then
	for p in "$OUT"/*.pprof; do
		[[ -e "$p" ]] || continue
		echo "== $(basename "$p")"
		if [[ "$p" == *.heap.pprof ]]; then
			go tool pprof -top -nodecount=15 -sample_index=inuse_space "$RUN/learnbot" "$p" 2>/dev/null | sed -n '1,22p'
		else
			go tool pprof -top -nodecount=25 "$RUN/learnbot" "$p" 2>/dev/null | sed -n '1,32p'
		fi
	done >"$OUT/profiles.txt"
	echo "profiles: $OUT/profiles.txt"
fi
