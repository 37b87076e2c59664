#!/usr/bin/env bash
# bench/run.sh - McpAspire's benchmark, side by side with oidc-provider, in one command.
#
#   bench/run.sh [--peer-only]
#
# Builds Release once, starts the whole system with its AppHost (DynamoDB Local in memory, secrets the
# script generates and passes as AppHost parameters), waits until every resource is healthy (the start-up
# figure), gets clients and tokens the way real clients do, starts the pinned oidc-provider peer, loads both
# with wrk over loopback, and writes bench/results/<UTC timestamp>.md, which it also prints.
# --peer-only measures the peer alone (to check the harness while the system is being built).
#
# Why the AppHost and not the services started by hand: it is what users run, the start-up target is
# about it, and the services get exactly the wiring the AppHost gives them (service discovery, secrets,
# DynamoDB Local). The load goes to each service's own Kestrel port, read from the process's environment,
# not through the AppHost's development proxy, so both servers are measured without a proxy in front;
# the dance goes through the public (proxied) URLs, as a client's would.
#
# Settings (environment): BENCH_DURATION seconds per load (default 10, 1..60), BENCH_WARMUP seconds
# (default 10: the JIT tiers up the hot paths meanwhile), BENCH_DANCE_RUNS (default 20), BENCH_PEER_PORT
# (default 47600), BENCH_PROFILE=1 to take CPU profiles of the 16-connection loads with Linux perf (needs perf
# and the right to use it, e.g. root; the services then run with perf maps on and W^X off),
# BENCH_LOADS to measure part of the run (default "ceiling introspect token-cc token-refresh mcp-call floor dance";
# the figures not measured show as "-" in the report). "ceiling" loads DynamoDB Local itself (GetItem, PutItem,
# TransactWriteItems at 1 and 16 connections): each path is reported as a share of it. "floor" loads bench/floor,
# the same network calls as an introspection and a tools/call with no library or logic around them, bare and with
# the ServiceDefaults: what a request costs on this stack before any of our code.
# Every load is bounded in time (wrk -d) and goes to loopback addresses only; everything the script
# starts is stopped when it ends, however it ends.
set -euo pipefail
umask 077

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
BENCH="$ROOT/bench"
readonly ROOT BENCH
readonly PEER_VERSION="9.13.3"   # keep in step with bench/peer/package.json
DURATION="${BENCH_DURATION:-10}"
WARMUP="${BENCH_WARMUP:-10}"
DANCE_RUNS="${BENCH_DANCE_RUNS:-20}"
PEER_PORT="${BENCH_PEER_PORT:-47600}"
PEER_ONLY=false
LOADS="${BENCH_LOADS:-ceiling introspect token-cc token-refresh mcp-call floor dance}"
# BENCH_AUTH_REPLICAS=N runs N auth-server replicas (AppHost Replicas:AuthServer) and sends the auth server's loads
# through the AppHost's proxy, which balances between them; set it to 1 for the figure to compare with (same proxy).
AUTH_REPLICAS="${BENCH_AUTH_REPLICAS:-}"
measures() { [[ " $LOADS " == *" $1 "* ]]; }
INTROSPECTION_CONNECTIONS=(1 16 64)
TOKEN_CONNECTIONS=(1 16)
CEILING_CONNECTIONS=(1 16)
MCP_CONNECTIONS=(1 16)

say() { printf '[bench %s] %s\n' "$(date -u +%H:%M:%S)" "$*" >&2; }
die() { printf 'bench/run.sh: error: %s\n' "$*" >&2; exit 1; }

for arg in "$@"; do
  case "$arg" in
    --peer-only) PEER_ONLY=true ;;
    -h | --help) sed -n '2,28p' "${BASH_SOURCE[0]}" | sed 's/^# \{0,1\}//'; exit 0 ;;
    *) die "unknown argument '$arg' (see --help)" ;;
  esac
done
[[ "$DURATION" =~ ^[0-9]+$ ]] && ((DURATION >= 1 && DURATION <= 60)) || die "BENCH_DURATION must be 1..60 seconds"
[[ "$WARMUP" =~ ^[0-9]+$ ]] && ((WARMUP >= 1 && WARMUP <= 30)) || die "BENCH_WARMUP must be 1..30 seconds"
[[ "$DANCE_RUNS" =~ ^[0-9]+$ ]] && ((DANCE_RUNS >= 1 && DANCE_RUNS <= 200)) || die "BENCH_DANCE_RUNS must be 1..200"
[[ -z "$AUTH_REPLICAS" || "$AUTH_REPLICAS" =~ ^[1-9]$ ]] || die "BENCH_AUTH_REPLICAS must be 1..9"
for load in $LOADS; do
  [[ " ceiling introspect token-cc token-refresh mcp-call floor dance " == *" $load "* ]] \
    || die "BENCH_LOADS: unknown load '$load' (known: ceiling introspect token-cc token-refresh mcp-call floor dance)"
done

# ---------------------------------------------------------------------------------------------------------
# What the harness needs, each named with how to get it.
# ---------------------------------------------------------------------------------------------------------
need() { command -v "$1" >/dev/null 2>&1 || die "$1 is missing: $2"; }
if ! command -v wrk >/dev/null 2>&1; then
  if [[ "$(id -u)" == 0 ]] && command -v apt-get >/dev/null 2>&1; then
    say "installing wrk (Debian package)"
    apt-get install -y -qq wrk >/dev/null 2>&1 || { apt-get update -qq >/dev/null 2>&1 && apt-get install -y -qq wrk >/dev/null 2>&1; } \
      || die "could not install wrk with apt-get: install the Debian package 'wrk' and run again"
  else
    die "wrk is missing: install it (Debian/Ubuntu: 'sudo apt-get install wrk'; macOS: 'brew install wrk') and run again"
  fi
fi
need node "install Node.js 20 or later (it runs the oidc-provider peer and the OAuth driver)"
need npm "install npm (it installs the pinned oidc-provider into bench/.peer)"
need curl "install curl"
need jq "install jq"
need openssl "install openssl (it generates the run's secrets)"
need ss "install iproute2 (ss checks that the ports are free)"
$PEER_ONLY || need dotnet "install the .NET 10 SDK"
$PEER_ONLY || need java "install Java 17 or later (DynamoDB Local runs on it), e.g. 'apt-get install openjdk-17-jre-headless'"
PROFILE_ENV=()
if [[ "${BENCH_PROFILE:-0}" == 1 ]] && ! $PEER_ONLY; then
  need perf "BENCH_PROFILE=1 samples CPU with Linux perf: install it (Debian: 'apt-get install linux-perf')"
  # perf names JIT-compiled frames from the maps the runtime writes to /tmp; with W^X on, JIT code lives in a
  # double-mapped file perf cannot attribute. Both only for profiled runs.
  PROFILE_ENV=(DOTNET_PerfMapEnabled=1 DOTNET_EnableWriteXorExecute=0)
fi

# ---------------------------------------------------------------------------------------------------------
# Private work folder (secrets, figures), and one cleanup for every process this script starts.
# ---------------------------------------------------------------------------------------------------------
WORK="$(mktemp -d "${TMPDIR:-/tmp}/mcpaspire-bench.XXXXXXXX")"
RES="$WORK/figures"
mkdir -p "$RES" "$BENCH/results"
APPHOST_PID=""
PEER_PID=""
FLOOR_PID=""
SERVICE_PIDS=()

stop_pid() { # stop_pid PID SECONDS: TERM, wait, then KILL
  local pid="$1" waited=0
  kill -0 "$pid" 2>/dev/null || return 0
  kill -TERM "$pid" 2>/dev/null || true
  while kill -0 "$pid" 2>/dev/null && ((waited < $2 * 10)); do sleep 0.1; waited=$((waited + 1)); done
  kill -KILL "$pid" 2>/dev/null || true
}

cleanup() {
  local status=$?
  trap - EXIT INT TERM
  [[ -n "$PEER_PID" ]] && stop_pid "$PEER_PID" 5
  [[ -n "$FLOOR_PID" ]] && stop_pid "$FLOOR_PID" 5
  if [[ -n "$APPHOST_PID" ]]; then
    # The AppHost stops its resources when asked (SIGTERM to its process, which 'dotnet run' does not
    # forward); whatever of this run's system is still alive after that is stopped by pid.
    local pid
    [[ ${#SERVICE_PIDS[@]} -gt 0 ]] || mapfile -t SERVICE_PIDS < <(system_pids)
    for pid in $(descendants "$APPHOST_PID"); do stop_pid "$pid" 30; done
    stop_pid "$APPHOST_PID" 5
    for pid in "${SERVICE_PIDS[@]}"; do stop_pid "$pid" 10; done
  fi
  if ((status != 0)) && [[ -f "$WORK/apphost.log" ]]; then
    say "the AppHost's last lines (full log was $WORK/apphost.log, now removed):"
    tail -n 25 "$WORK/apphost.log" >&2 || true
  fi
  if ((${#PROFILE_ENV[@]})); then
    local pid
    for pid in "${SERVICE_PIDS[@]}"; do rm -f "/tmp/perf-$pid.map" "/tmp/perfinfo-$pid.map"; done
  fi
  rm -rf -- "$WORK"
  exit "$status"
}
trap cleanup EXIT
trap 'exit 130' INT TERM

# Only loopback is ever a target.
require_loopback() {
  local host
  host="$(sed -E 's#^[a-z]+://(\[[^]]+\]|[^/:]+).*#\1#' <<<"$1")"
  [[ "$host" == localhost || "$host" == "[::1]" || "$host" =~ ^127\.[0-9]+\.[0-9]+\.[0-9]+$ ]] \
    || die "refusing to load $1: only loopback addresses are benchmark targets"
}

elapsed() { awk -v a="$1" -v b="$(date +%s.%N)" 'BEGIN { printf "%.2f", b - a }'; }

port_free() { ! ss -ltnH "sport = :$1" | grep -q .; }

# ---------------------------------------------------------------------------------------------------------
# Measurements.
# ---------------------------------------------------------------------------------------------------------
# CPU time each process spent during a measured load, per request: where the work of one request goes,
# across the services, DynamoDB Local and the peer (all on the same 2 cores).
cpu_ticks() { awk '{ print $14 + $15 }' "/proc/$1/stat" 2>/dev/null || echo 0; }
CLOCK_TICKS="$(getconf CLK_TCK)"
PROFILED_LOADS="introspect-ours-c16 token-cc-ours-c16 token-refresh-ours-c16 mcp-call-ours-c16 mcp-call-floor-c16 mcp-call-floor-defaults-c16"
declare -A CPU_BEFORE=()
PERF_PID=""

measure_start() { # NAME SIDE CONNECTIONS
  local process
  LOADAVG_AT_START="$(cut -d' ' -f1 /proc/loadavg)"
  for process in auth:"${AUTH_PID:-}" mcp:"${MCP_PID:-}" jenkins:"${JENKINS_PID:-}" dynamodb:"${DYNAMO_PID:-}" peer:"${PEER_PID:-}" floor:"${FLOOR_PID:-}"; do
    [[ -n "${process#*:}" ]] && CPU_BEFORE[${process%%:*}]="$(cpu_ticks "${process#*:}")"
  done
  PERF_PID=""
  if [[ "${BENCH_PROFILE:-0}" == 1 && " $PROFILED_LOADS " == *" $1-$2-c$3 "* ]]; then
    local target="$AUTH_PID"
    [[ "$1" == mcp-call ]] && target="$MCP_PID"
    [[ "$2" == floor* ]] && target="$FLOOR_PID"
    perf record -F 999 -g -p "$target" -o "$WORK/$1-$2.perf" -- sleep "$DURATION" >"$WORK/perf.log" 2>&1 &
    PERF_PID=$!
  fi
}

measure_end() { # NAME SIDE CONNECTIONS: adds cpu_ms_per_request to the load's figures
  local file="$RES/$1-$2-c$3.json" process name pid after cpu="{}"
  for process in auth:"${AUTH_PID:-}" mcp:"${MCP_PID:-}" jenkins:"${JENKINS_PID:-}" dynamodb:"${DYNAMO_PID:-}" peer:"${PEER_PID:-}" floor:"${FLOOR_PID:-}"; do
    name="${process%%:*}"; pid="${process#*:}"
    [[ -n "$pid" && -n "${CPU_BEFORE[$name]:-}" ]] || continue
    after="$(cpu_ticks "$pid")"
    cpu="$(jq --arg n "$name" --argjson t $((after - CPU_BEFORE[$name])) --argjson hz "$CLOCK_TICKS" --argjson r "$(jq .requests "$file")" \
      '. + {($n): (if $r > 0 then ($t * 1000 / $hz / $r * 100 | round / 100) else null end)}' <<<"$cpu")"
  done
  # The machine is shared: the 1-minute load average when the load started goes with every figure.
  jq --argjson cpu "$cpu" --arg l "$LOADAVG_AT_START" '. + {cpu_ms_per_request: $cpu, loadavg: ($l | tonumber)}' "$file" >"$file.tmp" && mv "$file.tmp" "$file"
  if [[ -n "$PERF_PID" ]]; then
    wait "$PERF_PID" || true
    if [[ -s "$WORK/$1-$2.perf" ]]; then
      { printf '\n### %s (%s connections): CPU profile of the %s (perf)\n\n' "$1" "$3" \
          "$(if [[ "$2" == floor* ]]; then echo "floor ($2)"; elif [[ "$1" == mcp-call ]]; then echo 'MCP server'; else echo 'auth server'; fi)"
        perf script -i "$WORK/$1-$2.perf" -F comm,tid,ip,sym,dso 2>/dev/null | node "$BENCH/lib/cpu-profile.mjs" 12; } >>"$RES/profiles.md" || true
    fi
    PERF_PID=""
  fi
}

# wrk_load NAME SIDE CONNECTIONS URL SCRIPT [VAR=VALUE...]: a warm-up, then the measured load.
# Secrets reach wrk's Lua through its environment only, never its command line.
wrk_load() {
  local name="$1" side="$2" connections="$3" url="$4" script="$5"
  shift 5
  local threads=$((connections < 2 ? 1 : 2))
  require_loopback "$url"
  env "$@" BENCH_WRK_DIR="$BENCH/wrk" BENCH_THREADS="$threads" WRK_RESULT="$WORK/warmup.json" \
    wrk -t"$threads" -c"$connections" -d"${WARMUP}s" --timeout 10s -s "$BENCH/wrk/$script" "$url" >/dev/null
  measure_start "$name" "$side" "$connections"
  env "$@" BENCH_WRK_DIR="$BENCH/wrk" BENCH_THREADS="$threads" WRK_RESULT="$RES/$name-$side-c$connections.json" \
    wrk -t"$threads" -c"$connections" -d"${DURATION}s" --timeout 10s -s "$BENCH/wrk/$script" "$url" >/dev/null
  measure_end "$name" "$side" "$connections"
  say "$(jq -r --arg n "$name $side c=$connections" '"\($n): \(.ok_rps) ok req/s, p50 \(.p50_ms) ms, p99 \(.p99_ms) ms, \(.failed_checks + .socket_errors + .timeouts) failed \(.first_failure)"' "$RES/$name-$side-c$connections.json")"
}

driver() { node "$BENCH/lib/oauth-driver.mjs" "$@"; }

# start_floor SIDE JENKINS_USER: bench/floor on a free loopback port (FLOOR_URL, FLOOR_PID), configured as the MCP server
# is (its AWS settings, its OTLP export, its environment name); SIDE floor-defaults adds the ServiceDefaults. Secrets
# go through the environment, never a command line.
start_floor() {
  local side="$1" port tries=0
  port="$(free_port 47680)"
  FLOOR_URL="http://127.0.0.1:$port"
  local -a passed=()
  mapfile -t passed < <(tr '\0' '\n' <"/proc/$MCP_PID/environ" | grep -E '^(AWS_[A-Z_]+|OTEL_EXPORTER_OTLP_[A-Z_]+|OTEL_[A-Z_]*_EXPORT_INTERVAL|ASPNETCORE_ENVIRONMENT|DOTNET_ENVIRONMENT)=')
  (cd "$BENCH/floor/bin/Release/net10.0" && exec env "${passed[@]}" "${PROFILE_ENV[@]}" \
    OTEL_SERVICE_NAME="bench-$side" ASPNETCORE_URLS="$FLOOR_URL" \
    Floor__ServiceDefaults="$([[ "$side" == floor-defaults ]] && echo true || echo false)" Floor__Table=bench-ceiling \
    Floor__IntrospectionUrl="$AUTH_PUBLIC/${OURS_INTROSPECTION_ENDPOINT#*://*/}" \
    Floor__IntrospectionAuthorization="$(cat "$WORK/ours-rs")" \
    Floor__JenkinsUrl="$JENKINS_PUBLIC/" \
    Floor__JenkinsAuthorization="Basic $(printf '%s:%s' "$2" "$JENKINS_TOKEN" | base64 -w0)" \
    ./Floor >"$WORK/floor.log" 2>&1) &
  FLOOR_PID=$!
  until [[ "$(curl -s -o /dev/null -w '%{http_code}' -X POST "$FLOOR_URL/introspect" 2>/dev/null)" == 400 ]]; do
    kill -0 "$FLOOR_PID" 2>/dev/null || die "the floor ($side) exited: $(tail -n 5 "$WORK/floor.log")"
    ((tries++ < 300)) || die "the floor ($side) did not answer within 30 s"
    sleep 0.1
  done
  say "floor: $side at $FLOOR_URL"
}

readonly DIAGNOSTICS_VERSION="10.0.750501"   # dotnet-counters
ensure_tool() { # ensure_tool NAME: a .NET diagnostics tool (from NuGet) in bench/.tools; prints its path
  local tool="$BENCH/.tools/$1"
  if [[ ! -x "$tool" ]]; then
    dotnet tool install "$1" --version "$DIAGNOSTICS_VERSION" --tool-path "$BENCH/.tools" >/dev/null 2>&1 || return 1
  fi
  echo "$tool"
}

# ---------------------------------------------------------------------------------------------------------
# The peer: oidc-provider, pinned, installed into bench/.peer, in memory, on loopback.
# ---------------------------------------------------------------------------------------------------------
start_peer() {
  local installed=""
  [[ -f "$BENCH/.peer/node_modules/oidc-provider/package.json" ]] \
    && installed="$(jq -r .version "$BENCH/.peer/node_modules/oidc-provider/package.json")"
  mkdir -p "$BENCH/.peer"
  cp "$BENCH/peer/package.json" "$BENCH/peer/server.mjs" "$BENCH/.peer/"
  if [[ "$installed" != "$PEER_VERSION" ]]; then
    say "installing oidc-provider $PEER_VERSION into bench/.peer"
    (cd "$BENCH/.peer" && npm install --no-audit --no-fund --loglevel=error >/dev/null) \
      || die "npm could not install oidc-provider $PEER_VERSION into bench/.peer (is the npm registry reachable?)"
  fi
  port_free "$PEER_PORT" || die "port $PEER_PORT (the peer's) is in use: free it or set BENCH_PEER_PORT"
  PEER_URL="http://127.0.0.1:$PEER_PORT"
  PEER_RS_SECRET="$(openssl rand -hex 24)"
  PEER_CC_SECRET="$(openssl rand -hex 24)"
  (cd "$BENCH/.peer" && exec env PEER_PORT="$PEER_PORT" PEER_RS_SECRET="$PEER_RS_SECRET" PEER_CC_SECRET="$PEER_CC_SECRET" \
    NODE_ENV=production node server.mjs >"$WORK/peer.log" 2>&1) &
  PEER_PID=$!
  local tries=0
  until curl -fsS -o /dev/null "$PEER_URL/.well-known/openid-configuration" 2>/dev/null; do
    kill -0 "$PEER_PID" 2>/dev/null || die "the peer (oidc-provider) exited: $(tail -n 5 "$WORK/peer.log")"
    ((tries++ < 100)) || die "the peer did not answer within 10 s"
    sleep 0.1
  done
  say "peer: oidc-provider $PEER_VERSION at $PEER_URL"
}

# ---------------------------------------------------------------------------------------------------------
# The system: Release build, then the AppHost.
# ---------------------------------------------------------------------------------------------------------
free_port() { # the first free loopback port at or above $1
  local port="$1"
  while ! port_free "$port"; do port=$((port + 1)); ((port < 65000)) || die "no free port above $1"; done
  echo "$port"
}

descendants() { # every process below $1
  local -a queue=("$1") found=()
  local pid child
  while ((${#queue[@]})); do
    pid="${queue[0]}"; queue=("${queue[@]:1}")
    for child in $(ps -o pid= --ppid "$pid" 2>/dev/null); do found+=("$child"); queue+=("$child"); done
  done
  printf '%s\n' "${found[@]}"
}

# Every process of this run's system: the AppHost, and the orchestrator (DCP) that watches it with
# '--monitor <AppHost pid>' (DCP detaches from the AppHost's process tree) with all it started.
system_pids() {
  local apphost pid
  for apphost in $(descendants "$APPHOST_PID"); do
    echo "$apphost"
    for pid in $(pgrep -f -- "dcp start-apiserver --monitor $apphost( |$)" || true); do
      echo "$pid"
      descendants "$pid"
    done
  done
}

find_in_system() { # find_in_system REGEX: the first process of this run's system whose command line matches
  local pid
  for pid in $(system_pids); do
    if tr '\0' ' ' 2>/dev/null <"/proc/$pid/cmdline" | grep -Eq -- "$1"; then echo "$pid"; return 0; fi
  done
  return 1
}

env_of() { tr '\0' '\n' 2>/dev/null <"/proc/$1/environ" | sed -n "s/^$2=//p" | head -n1; }

loopback_http() { # a URL from a service's configuration, made a plain loopback origin (no trailing slash)
  local url
  url="$(tr ';' '\n' <<<"$1" | grep '^http://' | head -n1)"
  [[ -n "$url" ]] || return 1
  sed -E 's#//(\+|\*|0\.0\.0\.0|\[::\])#//127.0.0.1#; s#/$##' <<<"$url"
}

start_system() {
  say "building Release (dotnet build AppHost -c Release)"
  local build_start build_log="$WORK/build.log"
  build_start="$(date +%s.%N)"
  if ! dotnet build "$ROOT/AppHost/AppHost.csproj" -c Release -nologo -v q >"$build_log" 2>&1; then
    # Another build on this machine may have held a file for a moment; one retry, then the real error.
    dotnet build "$ROOT/AppHost/AppHost.csproj" -c Release -nologo -v q >"$build_log" 2>&1 \
      || die "the Release build failed: $(grep -E ' error ' "$build_log" | sort -u | head -n 5)"
  fi
  BUILD_SECONDS="$(elapsed "$build_start")"
  if measures floor; then
    dotnet build "$BENCH/floor/Floor.csproj" -c Release -nologo -v q >"$build_log" 2>&1 \
      || die "the floor's Release build failed: $(grep -E ' error ' "$build_log" | sort -u | head -n 5)"
  fi

  ADMIN_PASSWORD="$(openssl rand -hex 24)"
  INTROSPECTION_SECRET="$(openssl rand -hex 24)"
  JENKINS_TOKEN="$(openssl rand -hex 24)"
  # Ports of its own for everything, so that another AppHost on the machine (a developer's, a test's)
  # neither disturbs this run nor is disturbed: the dashboard's three on free loopback ports, the services'
  # random (DcpPublisher:RandomizePorts, as Aspire's testing builder does).
  local dashboard otlp resources
  dashboard="$(free_port 47610)"; otlp="$(free_port $((dashboard + 1)))"; resources="$(free_port $((otlp + 1)))"
  say "starting the AppHost (DynamoDB Local in memory)"
  local start
  start="$(date +%s.%N)"
  # Secrets go in as configuration through the environment (Parameters__name), not on a command line that
  # ps would show. The services inherit the AppHost's environment: RateLimiting__* lifts the auth server's
  # per-address request limits (the load comes from one address) and Introspect's, which is per authenticated
  # client (the load introspects as mcp-server, like the MCP server itself), while keeping the limiters in the path.
  # setsid: the AppHost gets a process group of its own, which the cleanup stops.
  setsid env \
    "Parameters__admin-password=$ADMIN_PASSWORD" \
    "Parameters__mcp-introspection-secret=$INTROSPECTION_SECRET" \
    "Parameters__jenkins-api-token=$JENKINS_TOKEN" \
    RateLimiting__Register__PermitLimit=1000000 RateLimiting__Authorize__PermitLimit=1000000 \
    RateLimiting__Token__PermitLimit=1000000 RateLimiting__Introspect__PermitLimit=1000000 \
    RateLimiting__Login__PermitLimit=1000000 \
    "${PROFILE_ENV[@]}" \
    ASPNETCORE_ENVIRONMENT=Development DOTNET_ENVIRONMENT=Development ASPIRE_ALLOW_UNSECURED_TRANSPORT=true \
    ASPNETCORE_URLS="http://127.0.0.1:$dashboard" \
    ASPIRE_DASHBOARD_OTLP_ENDPOINT_URL="http://127.0.0.1:$otlp" \
    ASPIRE_RESOURCE_SERVICE_ENDPOINT_URL="http://127.0.0.1:$resources" \
    dotnet run --project "$ROOT/AppHost/AppHost.csproj" -c Release --no-build --no-launch-profile \
    -- --DynamoDbLocal:InMemory=true --DynamoDbLocal:JavaOptions= --DcpPublisher:RandomizePorts=true ${AUTH_REPLICAS:+--Replicas:AuthServer=$AUTH_REPLICAS} >"$WORK/apphost.log" 2>&1 &
  APPHOST_PID=$!

  # Start-up ends when every resource is healthy: the three services' /health (the auth server waits for
  # DynamoDB Local, which the AppHost checks with a real ListTables call; the MCP server for both).
  local deadline=$((SECONDS + 180)) healthy=false service
  AUTH_PID="" MCP_PID="" JENKINS_PID=""
  while ((SECONDS < deadline)); do
    kill -0 "$APPHOST_PID" 2>/dev/null || die "the AppHost exited during start-up"
    [[ -n "$AUTH_PID" ]] || AUTH_PID="$(find_in_system "^$ROOT/AuthServer/bin/Release/[^ ]*/AuthServer( |$)")" || true
    [[ -n "$MCP_PID" ]] || MCP_PID="$(find_in_system "^$ROOT/McpJenkinsServer/bin/Release/[^ ]*/McpJenkinsServer( |$)")" || true
    [[ -n "$JENKINS_PID" ]] || JENKINS_PID="$(find_in_system "^$ROOT/JenkinsMock/bin/Release/[^ ]*/JenkinsMock( |$)")" || true
    if [[ -n "$AUTH_PID" && -n "$MCP_PID" && -n "$JENKINS_PID" ]]; then
      healthy=true
      for service in "$AUTH_PID" "$MCP_PID" "$JENKINS_PID"; do
        url="$(loopback_http "$(env_of "$service" ASPNETCORE_URLS)")" && curl -fsS -m 2 -o /dev/null "$url/health" 2>/dev/null || { healthy=false; break; }
      done
      $healthy && break
    fi
    sleep 0.1
  done
  $healthy || die "the system was not healthy within 180 s"
  STARTUP_SECONDS="$(elapsed "$start")"
  say "every resource healthy after ${STARTUP_SECONDS} s"
  jq -n --argjson s "$STARTUP_SECONDS" --argjson b "$BUILD_SECONDS" '{seconds: $s, build_seconds: $b}' >"$RES/startup.json"

  DYNAMO_PID="$(find_in_system 'DynamoDBLocal\.jar')" || DYNAMO_PID=""
  mapfile -t SERVICE_PIDS < <(system_pids)
  # Each service's own Kestrel port (the load goes there), and the public URLs the AppHost gave it.
  AUTH_DIRECT="$(loopback_http "$(env_of "$AUTH_PID" ASPNETCORE_URLS)")" || die "the auth server has no http URL in ASPNETCORE_URLS"
  MCP_DIRECT="$(loopback_http "$(env_of "$MCP_PID" ASPNETCORE_URLS)")" || die "the MCP server has no http URL in ASPNETCORE_URLS"
  AUTH_PUBLIC="$(loopback_http "$(env_of "$MCP_PID" services__auth-server__http__0)")" || die "the MCP server was given no auth-server URL"
  MCP_URL="$(env_of "$MCP_PID" Mcp__ResourceUrl)"
  [[ -n "$MCP_URL" ]] || die "the MCP server was given no Mcp__ResourceUrl"
  if [[ -n "$AUTH_REPLICAS" ]]; then
    # One replica's port would measure one replica: the proxy spreads the load over all of them. Its CPU and
    # memory figures below are still those of the first replica found.
    AUTH_DIRECT="$AUTH_PUBLIC"
    NOTES+=("BENCH_AUTH_REPLICAS=$AUTH_REPLICAS: $AUTH_REPLICAS auth-server replicas, loaded through the AppHost's proxy (compare with BENCH_AUTH_REPLICAS=1, not with a direct run); CPU per request and memory are the first replica's.")
  fi
  for url in "$AUTH_DIRECT" "$MCP_DIRECT" "$AUTH_PUBLIC" "$MCP_URL"; do require_loopback "$url"; done
  say "auth-server: public $AUTH_PUBLIC, direct $AUTH_DIRECT; MCP: public $MCP_URL, direct $MCP_DIRECT"
}

# ---------------------------------------------------------------------------------------------------------
# Memory from /proc: peak (VmHWM) and current (VmRSS), in MB.
# ---------------------------------------------------------------------------------------------------------
proc_mb() { awk -v k="$2:" '$1 == k { printf "%.1f", $2 / 1024 }' "/proc/$1/status" 2>/dev/null; }

record_memory() {
  local -a rows=()
  local entry service pid target
  for entry in "auth-server:${AUTH_PID:-}:true" "mcp-server:${MCP_PID:-}:true" "jenkins (JenkinsMock):${JENKINS_PID:-}:true" \
    "dynamodb (DynamoDB Local, Java):${DYNAMO_PID:-}:false" "oidc-provider (peer, Node.js):${PEER_PID:-}:false"; do
    IFS=: read -r service pid target <<<"$entry"
    [[ -n "$pid" && -r "/proc/$pid/status" ]] || continue
    rows+=("$(jq -n --arg s "$service" --argjson p "$(proc_mb "$pid" VmHWM)" --argjson t "$target" '{service: $s, peak_mb: $p, target: $t}')")
  done
  say "waiting 5 s idle for the after-load memory"
  sleep 5
  local i=0
  for entry in "auth-server:${AUTH_PID:-}" "mcp-server:${MCP_PID:-}" "jenkins (JenkinsMock):${JENKINS_PID:-}" \
    "dynamodb (DynamoDB Local, Java):${DYNAMO_PID:-}" "oidc-provider (peer, Node.js):${PEER_PID:-}"; do
    IFS=: read -r service pid <<<"$entry"
    [[ -n "$pid" && -r "/proc/$pid/status" ]] || continue
    rows[i]="$(jq --argjson a "$(proc_mb "$pid" VmRSS)" '. + {after_mb: $a}' <<<"${rows[i]}")"
    i=$((i + 1))
  done
  printf '%s\n' "${rows[@]}" | jq -s . >"$RES/memory.json"
}

# ---------------------------------------------------------------------------------------------------------
# The run.
# ---------------------------------------------------------------------------------------------------------
STARTED_AT="$(date -u +%Y-%m-%dT%H:%M:%SZ)"
LOADAVG_BEFORE="$(cut -d' ' -f1 /proc/loadavg)"
NOTES=()
awk -v l="$LOADAVG_BEFORE" -v n="$(nproc)" 'BEGIN { exit !(l > n / 2) }' \
  && NOTES+=("The machine was already busy when the run started (load ${LOADAVG_BEFORE} on $(nproc) cores): figures are noisy.")
$PEER_ONLY && NOTES+=("--peer-only: McpAspire was not started; its columns are empty.")

if ! $PEER_ONLY; then start_system; fi
start_peer

say "peer: clients and tokens"
printf 'Basic %s\n' "$(printf 'bench-cc:%s' "$PEER_CC_SECRET" | base64 -w0)" >"$WORK/peer-cc"
printf 'Basic %s\n' "$(printf 'mcp-server:%s' "$PEER_RS_SECRET" | base64 -w0)" >"$WORK/peer-rs"
BENCH_USER=bench-user BENCH_PASSWORD=unused-by-dev-interactions driver user-token --issuer "$PEER_URL" --out "$WORK/peer-user-token" >/dev/null \
  || die "could not get a user access token from the peer"
PEER_TOKEN="$(sed -n 1p "$WORK/peer-user-token")"

if ! $PEER_ONLY; then
  say "McpAspire: clients and tokens"
  # The administrator (the AppHost's admin-password parameter), through the environment: the driver signs in
  # with it for the user's tokens and, on the admin page, to create the machine client.
  export BENCH_USER=admin BENCH_PASSWORD="$ADMIN_PASSWORD"
  # The resource server's credentials: the seeded mcp-server client, exactly as the MCP server introspects
  # (introspection is all that client may do; it obtains no tokens of its own).
  printf 'Basic %s\n' "$(printf 'mcp-server:%s' "$INTROSPECTION_SECRET" | base64 -w0)" >"$WORK/ours-rs"
  # The client_credentials client: registration refuses that grant, so it is a machine client the
  # administrator creates on the auth server's /admin/machine-clients page.
  driver cc-client --mcp "$MCP_URL" --out "$WORK/ours-cc" >"$WORK/ours-cc.json" || die "creating a machine (client_credentials) client on the admin page failed"
  OURS_TOKEN_ENDPOINT="$(jq -r .token_endpoint "$WORK/ours-cc.json")"
  OURS_INTROSPECTION_ENDPOINT="$(jq -r .introspection_endpoint "$WORK/ours-cc.json")"
  # Endpoints on the service's own port (same paths as discovery gives).
  OURS_TOKEN_DIRECT="$AUTH_DIRECT/${OURS_TOKEN_ENDPOINT#*://*/}"
  OURS_INTROSPECTION_DIRECT="$AUTH_DIRECT/${OURS_INTROSPECTION_ENDPOINT#*://*/}"
  # The user's access token: through get_fresh_token.sh (sign-in with curl through the login and consent
  # forms) when it is there, else through this harness's own driver.
  if [[ -x "$ROOT/get_fresh_token.sh" ]]; then
    MCPASPIRE_USERNAME=admin MCPASPIRE_PASSWORD="$ADMIN_PASSWORD" MCPASPIRE_CONFIG_DIR="$WORK/gft" \
      "$ROOT/get_fresh_token.sh" --new --token-file "$WORK/user-token.json" "$MCP_URL" >/dev/null 2>"$WORK/gft.log" \
      || die "get_fresh_token.sh could not get a token: $(tail -n 2 "$WORK/gft.log")"
    USER_TOKEN="$(jq -r .access_token "$WORK/user-token.json")"
  else
    driver user-token --mcp "$MCP_URL" --out "$WORK/user-token" >/dev/null || die "the OAuth driver could not get a user token"
    USER_TOKEN="$(sed -n 1p "$WORK/user-token")"
  fi
  BENCH_ACCESS_TOKEN="$USER_TOKEN" driver mcp-session --mcp "$MCP_DIRECT/mcp" --out "$WORK/mcp-session" >/dev/null \
    || die "initialize + tools/call list_jobs failed at the MCP server"
fi

if [[ "${BENCH_PROFILE:-0}" == 1 ]] && ! $PEER_ONLY; then
  NOTES+=("BENCH_PROFILE=1: the 16-connection loads of McpAspire ran under perf (CPU sampling at 999 Hz, JIT frames named through perf maps, W^X off so perf can read them), which slows them; their profiles follow the targets.")
fi

# 0. The storage ceiling: DynamoDB Local's own rate for the calls the hot paths make, in this run, on this
# machine, against the very DynamoDB Local process the auth server uses (a table of its own, "bench-ceiling",
# beside the auth server's). Each path is reported as a share of it.
# The ceiling's table and its token-sized item, which the floor reads too.
CEILING_TABLE_READY=false
ensure_ceiling_table() {
  $CEILING_TABLE_READY && return 0
  DYNAMO_URL="$(env_of "$AUTH_PID" AWS_ENDPOINT_URL_DYNAMODB)"
  DYNAMO_URL="${DYNAMO_URL%/}"
  require_loopback "$DYNAMO_URL"
  dynamo_call() { # TARGET JSON: one call to DynamoDB Local under the bench's own access key
    curl -fsS -m 10 -X POST "$DYNAMO_URL/" -H 'Content-Type: application/x-amz-json-1.0' -H "X-Amz-Target: DynamoDB_20120810.$1" \
      -H "X-Amz-Date: $(date -u +%Y%m%dT%H%M%SZ)" \
      -H 'Authorization: AWS4-HMAC-SHA256 Credential=bench/20260101/us-east-1/dynamodb/aws4_request, SignedHeaders=host;x-amz-date, Signature=00' \
      -d "$2" >/dev/null
  }
  dynamo_call CreateTable '{"TableName":"bench-ceiling","AttributeDefinitions":[{"AttributeName":"id","AttributeType":"S"}],"KeySchema":[{"AttributeName":"id","KeyType":"HASH"}],"BillingMode":"PAY_PER_REQUEST"}' \
    || die "could not create the ceiling's table in DynamoDB Local at $DYNAMO_URL"
  dynamo_call PutItem "{\"TableName\":\"bench-ceiling\",\"Item\":{\"id\":{\"S\":\"bench-read\"},\"payload\":{\"S\":\"$(printf 'x%.0s' $(seq 1200))\"},\"status\":{\"S\":\"valid\"}}}" \
    || die "could not write the ceiling's item"
  CEILING_TABLE_READY=true
}
if measures ceiling && ! $PEER_ONLY; then
  ensure_ceiling_table
  for c in "${CEILING_CONNECTIONS[@]}"; do
    for op in get put transact; do
      wrk_load "dynamodb-$op" ours "$c" "$DYNAMO_URL/" dynamodb.lua BENCH_DYNAMO_OP="$op" BENCH_DYNAMO_TABLE=bench-ceiling
    done
  done
fi

# 1. Introspection. Both sides introspect a token of the same kind: a user's opaque access token from the
# authorization code flow (ours for the MCP server's audience, as in production).
for c in $(measures introspect && echo "${INTROSPECTION_CONNECTIONS[@]}"); do
  if ! $PEER_ONLY; then
    wrk_load introspect ours "$c" "$OURS_INTROSPECTION_DIRECT" introspect.lua BENCH_BASIC="$(cat "$WORK/ours-rs")" BENCH_TOKEN="$USER_TOKEN"
  fi
  wrk_load introspect peer "$c" "$PEER_URL/token/introspection" introspect.lua BENCH_BASIC="$(cat "$WORK/peer-rs")" BENCH_TOKEN="$PEER_TOKEN"
done

# 2. Token endpoint: client_credentials, and refresh_token with rotation (a pool of chains per load).
for c in $({ measures token-cc || measures token-refresh; } && echo "${TOKEN_CONNECTIONS[@]}"); do
  threads=$((c < 2 ? 1 : 2))
  if measures token-cc && ! $PEER_ONLY; then
    wrk_load token-cc ours "$c" "$OURS_TOKEN_DIRECT" token_client_credentials.lua BENCH_BASIC="$(cat "$WORK/ours-cc")" BENCH_SCOPE=mcp:read
  fi
  if measures token-cc; then
    wrk_load token-cc peer "$c" "$PEER_URL/token" token_client_credentials.lua BENCH_BASIC="$(cat "$WORK/peer-cc")" BENCH_SCOPE=mcp:read
  fi
  measures token-refresh || continue
  if ! $PEER_ONLY; then
    driver refresh-pool --mcp "$MCP_URL" --count $((c + threads)) --out "$WORK/ours-refresh-warm" >/dev/null || die "could not get refresh tokens from McpAspire"
    driver refresh-pool --mcp "$MCP_URL" --count $((c + threads)) --out "$WORK/ours-refresh" >/dev/null || die "could not get refresh tokens from McpAspire"
  fi
  for pool in peer-refresh-warm peer-refresh; do
    BENCH_USER=bench-user BENCH_PASSWORD=unused-by-dev-interactions driver refresh-pool --issuer "$PEER_URL" --count $((c + threads)) --out "$WORK/$pool" >/dev/null \
      || die "could not get refresh tokens from the peer"
  done
  # The warm-up follows its own chains; the measured load starts from fresh ones.
  for side in ours peer; do
    if [[ "$side" == ours ]]; then $PEER_ONLY && continue; url="$OURS_TOKEN_DIRECT"; else url="$PEER_URL/token"; fi
    require_loopback "$url"
    BENCH_WRK_DIR="$BENCH/wrk" BENCH_THREADS="$threads" BENCH_REFRESH_FILE="$WORK/$side-refresh-warm" WRK_RESULT="$WORK/warmup.json" \
      wrk -t"$threads" -c"$c" -d"${WARMUP}s" --timeout 10s -s "$BENCH/wrk/token_refresh.lua" "$url" >/dev/null
    measure_start token-refresh "$side" "$c"
    BENCH_WRK_DIR="$BENCH/wrk" BENCH_THREADS="$threads" BENCH_REFRESH_FILE="$WORK/$side-refresh" WRK_RESULT="$RES/token-refresh-$side-c$c.json" \
      wrk -t"$threads" -c"$c" -d"${DURATION}s" --timeout 10s -s "$BENCH/wrk/token_refresh.lua" "$url" >/dev/null
    measure_end token-refresh "$side" "$c"
    say "$(jq -r --arg n "token-refresh $side c=$c" '"\($n): \(.ok_rps) ok req/s, p50 \(.p50_ms) ms, p99 \(.p99_ms) ms, \(.failed_checks + .socket_errors + .timeouts) failed \(.first_failure)"' "$RES/token-refresh-$side-c$c.json")"
  done
done

if ! $PEER_ONLY; then
  # 3. MCP tools/call end to end, each connection count twice: the measured load, then a load during which
  # dotnet-counters reads the MCP server's own metrics, from which the share of introspection in a tools/call and
  # the p50 ratio are measured (bench/lib/counters.mjs).
  COUNTERS="$(ensure_tool dotnet-counters)" || { COUNTERS=""; NOTES+=("dotnet-counters could not be installed: the introspection share is only estimated."); }
  JENKINS_PUBLIC="$(loopback_http "$(env_of "$MCP_PID" services__jenkins__http__0)")" || JENKINS_PUBLIC=""
  for c in $(measures mcp-call && echo "${MCP_CONNECTIONS[@]}"); do
    mcp_vars=(BENCH_TOKEN="$USER_TOKEN" BENCH_MCP_SESSION="$(sed -n 1p "$WORK/mcp-session")" BENCH_MCP_PROTOCOL="$(sed -n 2p "$WORK/mcp-session")")
    # The measured load runs without an observer: dotnet-counters enables the System.Net.Http EventSource, whose
    # per-request events cost the MCP server about a sixth of its CPU at c=16 (perf, issue 16), so a load with
    # it attached overstates the server's CPU per call. Its figures (CPU, req/s, wrk's p50 and p99) are this load's.
    wrk_load mcp-call ours "$c" "$MCP_DIRECT/mcp" mcp_tools_call.lua "${mcp_vars[@]}"
    # Then a second load of the same length, right after (warm), with dotnet-counters reading the MCP server's own
    # metrics: its p50s of the tools/call requests it served and of its calls to the auth server and to Jenkins,
    # all three seen under the same observer (bench/lib/counters.mjs).
    if [[ -n "$COUNTERS" ]]; then
      "$COUNTERS" collect -p "$MCP_PID" --format json -o "$WORK/counters-c$c.json" --refresh-interval 1 \
        --duration "$(printf '00:00:%02d:%02d' $((DURATION / 60)) $((DURATION % 60)))" \
        --counters 'System.Net.Http[http.client.request.duration],Microsoft.AspNetCore.Hosting[http.server.request.duration]' \
        >"$WORK/counters.log" 2>&1 &
      counters_pid=$!
      sleep 1 # the session attaches before the load starts
      threads=$((c < 2 ? 1 : 2))
      env "${mcp_vars[@]}" BENCH_WRK_DIR="$BENCH/wrk" BENCH_THREADS="$threads" WRK_RESULT="$WORK/mcp-call-observed-c$c.json" \
        wrk -t"$threads" -c"$c" -d"${DURATION}s" --timeout 10s -s "$BENCH/wrk/mcp_tools_call.lua" "$MCP_DIRECT/mcp" >/dev/null
      wait "$counters_pid" || true
      if [[ -s "$WORK/counters-c$c.json" ]]; then
        node "$BENCH/lib/counters.mjs" "$WORK/counters-c$c.json" "${AUTH_PUBLIC##*:}" "${JENKINS_PUBLIC##*:}" >"$RES/mcp-counters-ours-c$c.json" || true
      fi
    fi
  done
  # 4. The floor (bench/floor): the network calls an introspection and a tools/call make, with the same clients
  # (Kestrel, HttpClient, the AWS SDK) and nothing else, loaded like the servers: bare, then with the ServiceDefaults
  # (OpenTelemetry and its export, the standard resilience handler). Its tools/call introspects at the real auth
  # server and reads the real Jenkins; its DynamoDB reads go to the ceiling's table. One variant runs at a time.
  if measures floor; then
    ensure_ceiling_table
    jenkins_user="$(env_of "$MCP_PID" Jenkins__User)"
    [[ -n "$jenkins_user" && -n "$JENKINS_PUBLIC" ]] || die "the MCP server was given no Jenkins user or URL: the floor cannot call Jenkins"
    mcp_vars=(BENCH_TOKEN="$USER_TOKEN" BENCH_MCP_SESSION="" BENCH_MCP_PROTOCOL="$(sed -n 2p "$WORK/mcp-session")")
    for side in floor floor-defaults; do
      start_floor "$side" "$jenkins_user"
      for c in "${MCP_CONNECTIONS[@]}"; do
        wrk_load introspect "$side" "$c" "$FLOOR_URL/introspect" introspect.lua BENCH_BASIC="$(cat "$WORK/ours-rs")" BENCH_TOKEN="$USER_TOKEN"
        wrk_load mcp-call "$side" "$c" "$FLOOR_URL/mcp" mcp_tools_call.lua "${mcp_vars[@]}"
      done
      stop_pid "$FLOOR_PID" 10
      FLOOR_PID=""
    done
  fi
  # 5. The whole dance through the public URLs, as a client sees them.
  if measures dance; then
    say "the dance, $DANCE_RUNS runs"
    driver dance --mcp "$MCP_URL" --runs "$DANCE_RUNS" >"$RES/dance-ours.json" || die "the dance failed"
  fi
fi
if measures dance; then
  BENCH_USER=bench-user BENCH_PASSWORD=unused-by-dev-interactions driver peer-dance --issuer "$PEER_URL" --runs "$DANCE_RUNS" >"$RES/dance-peer.json" || die "the peer's dance failed"
fi

# 6. Memory.
record_memory

# The machine, and the report.
jq -n \
  --arg started_at "$STARTED_AT" --arg nproc "$(nproc)" \
  --arg cpu_model "$(awk -F': ' '/^model name/ { print $2; exit }' /proc/cpuinfo)" \
  --arg memory "$(free -g | awk '/^Mem:/ { print $2 " GiB RAM" }')" \
  --arg kernel "Linux $(uname -r)" \
  --arg dotnet "$(dotnet --version 2>/dev/null || echo '-')" --arg node "$(node --version)" \
  --arg wrk "$(wrk --version 2>&1 | head -n1 | cut -d' ' -f1-2)" --arg peer_version "$PEER_VERSION" \
  --arg commit "$(git -C "$ROOT" rev-parse --short HEAD 2>/dev/null || echo '-')" \
  --arg loadavg_before "$LOADAVG_BEFORE" --argjson duration_s "$DURATION" --argjson warmup_s "$WARMUP" \
  --argjson introspection_connections "$(printf '%s\n' "${INTROSPECTION_CONNECTIONS[@]}" | jq -s .)" \
  --argjson token_connections "$(printf '%s\n' "${TOKEN_CONNECTIONS[@]}" | jq -s .)" \
  --argjson ceiling_connections "$(printf '%s\n' "${CEILING_CONNECTIONS[@]}" | jq -s .)" \
  --argjson mcp_connections "$(printf '%s\n' "${MCP_CONNECTIONS[@]}" | jq -s .)" \
  --argjson notes "$(printf '%s\n' "${NOTES[@]}" | jq -R . | jq -s 'map(select(. != ""))')" \
  '$ARGS.named' >"$RES/meta.json"

RESULT="$BENCH/results/$(date -u +%Y%m%dT%H%M%SZ).md"
node "$BENCH/lib/report.mjs" "$RES" >"$RESULT"
if [[ -s "$RES/profiles.md" ]]; then
  printf '\n## Profiles (BENCH_PROFILE=1)\n' >>"$RESULT"
  cat "$RES/profiles.md" >>"$RESULT"
fi
cat "$RESULT"
say "written to ${RESULT#"$ROOT"/}"
