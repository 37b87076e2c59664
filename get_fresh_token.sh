#!/usr/bin/env bash
# get_fresh_token.sh - an OAuth 2.1 access token for the McpAspire MCP server, and a self-test of the
# whole dance. Needs only bash, curl, openssl and jq.
#
#   ./get_fresh_token.sh [options] [MCP_SERVER_URL | AUTH_SERVER_URL]
#   ./get_fresh_token.sh --check [MCP_SERVER_URL]
#
# Run it once and it discovers the authorization server from the MCP server's protected resource metadata
# (RFC 9728), registers itself there (RFC 7591, cached per authorization server), signs you in with the
# authorization code flow (PKCE S256, RFC 8707 resource) and stores the token, readable by you alone. Run
# it again and it refreshes that token (the refresh token rotates); when the refresh token is no longer
# valid it signs you in again. See --help.
#
# Secrets (tokens, codes, verifiers, your password) never reach this script's output nor any command line
# that `ps` could show: curl receives them on stdin or in files inside a private temporary directory.
set -euo pipefail
umask 077

readonly PROGRAM="${0##*/}"
readonly DEFAULT_URL="http://localhost:5102/mcp"
readonly CLIENT_NAME="get_fresh_token.sh (McpAspire)"
readonly MCP_PROTOCOL_VERSION="2025-11-25"
readonly CONFIG_HOME="${XDG_CONFIG_HOME:-$HOME/.config}/mcpaspire"

usage() {
  cat <<EOF
Usage: $PROGRAM [options] [URL]

Gets an access token for the McpAspire MCP server and stores it in a file only you can read.
URL is the MCP server's URL (default \$MCPASPIRE_URL, else $DEFAULT_URL), or the
authorization server's URL (it then issues the token for its own MCP server unless --resource names one).

Options:
  --scope "SCOPES"     scopes to ask for, space separated (default "mcp:read"; "mcp:read mcp:write"
                       to start and stop builds). offline_access is always added to get a refresh token.
  --token-file PATH    where the token goes (default \$MCPASPIRE_TOKEN_FILE, else
                       $CONFIG_HOME/token.json)
  --resource URL       the MCP resource (RFC 8707) to ask a token for, when URL is the authorization server's
  --new                ignore the stored token and sign in again
  --check              self-test: walk the ten steps of the OAuth dance against the running system and
                       list the MCP server's tools; exit status 1 at the first failing step
  -h, --help           this text

Sign-in:
  non-interactive      when MCPASPIRE_USERNAME and MCPASPIRE_PASSWORD are set in the environment: the
                       script fills in the sign-in and consent forms itself. Credentials are read from
                       the environment only, never from arguments.
  interactive          otherwise: the script prints (and opens, if it can) the authorization URL; sign in,
                       allow access, then paste the address your browser ends on
                       (http://127.0.0.1:PORT/callback?code=..., a page that does not load: the script
                       runs no web server, it needs nothing but bash, curl, openssl and jq) when asked.

Files:
  token                {access_token, token_type, expires_in, expires_at, scope, client_id,
                        refresh_token, resource, issuer}, mode 0600
  registrations        $CONFIG_HOME/clients/ (one per authorization server; override the folder
                       with \$MCPASPIRE_CONFIG_DIR)

Use the token:  curl -H "Authorization: Bearer \$(jq -r .access_token TOKEN_FILE)" ...
EOF
}

# ---------------------------------------------------------------------------------------------------------
# Output: one line per event on stderr. fail() is the single line a user sees when something goes wrong.
# ---------------------------------------------------------------------------------------------------------
say() { printf '%s\n' "$*" >&2; }
fail() { printf '%s: error: %s\n' "$PROGRAM" "$*" >&2; exit 1; }

WORK_DIR=""
cleanup() { if [[ -n "$WORK_DIR" && -d "$WORK_DIR" ]]; then rm -rf -- "$WORK_DIR"; fi; }
trap cleanup EXIT
WORK_DIR="$(mktemp -d "${TMPDIR:-/tmp}/get_fresh_token.XXXXXXXX")"
readonly COOKIE_JAR="$WORK_DIR/cookies"
readonly BODY="$WORK_DIR/body"
readonly HEADERS="$WORK_DIR/headers"
readonly EXTRA_HEADERS="$WORK_DIR/extra-headers"
: >"$COOKIE_JAR"

for tool in curl openssl jq; do
  command -v "$tool" >/dev/null 2>&1 || fail "$tool is not installed: install it (e.g. 'apt-get install $tool' or 'brew install $tool') and run again."
done

# ---------------------------------------------------------------------------------------------------------
# HTTP. Every call writes the body to $BODY and the headers to $HEADERS and sets STATUS. Request bodies
# come from stdin (--data-binary @-) and the bearer token from a header file, so no secret is ever in argv.
# ---------------------------------------------------------------------------------------------------------
STATUS=""

# http METHOD URL [curl options...]   (body, if any, on stdin via --data-binary @-)
http() {
  local method="$1" url="$2"
  shift 2
  local rc=0
  # The callers check each URL where it comes from, with a message saying where; this is the backstop.
  require_url "to send a request to" "$url"
  STATUS="$(curl --silent --show-error --proto '=http,https' --connect-timeout 10 --max-time 60 \
    --request "$method" --cookie "$COOKIE_JAR" --cookie-jar "$COOKIE_JAR" \
    --header @"$EXTRA_HEADERS" \
    --dump-header "$HEADERS" --output "$BODY" --write-out '%{http_code}' "$@" -- "$url" 2>"$WORK_DIR/curl-error")" || rc=$?
  : >"$EXTRA_HEADERS"
  if ((rc != 0)); then
    STATUS="000"
    CURL_EXIT=$rc
    return 1
  fi
  return 0
}
: >"$EXTRA_HEADERS"
CURL_EXIT=0

# Why a request did not get an answer, and what to do about it, as one sentence.
unreachable() {
  local url="$1" what="$2" hint="$3"
  case "$CURL_EXIT" in
    3) printf '%s URL %s is not a valid URL: check it' "$what" "$url" ;;
    1) printf '%s URL %s uses a scheme curl cannot speak (only http and https): check it' "$what" "$url" ;;
    6) printf 'cannot resolve the host of %s (%s): check the URL' "$what" "$url" ;;
    7) printf 'cannot connect to %s at %s (connection refused): %s' "$what" "$url" "$hint" ;;
    28) printf '%s at %s did not answer in time: %s' "$what" "$url" "$hint" ;;
    35 | 51 | 53 | 54 | 58 | 59 | 60 | 77 | 80 | 82 | 83 | 90 | 91) printf 'TLS failed talking to %s at %s: check the URL and its certificate' "$what" "$url" ;;
    52 | 56) printf '%s at %s closed the connection without an answer: %s' "$what" "$url" "$hint" ;;
    *) printf 'cannot reach %s at %s (curl exit %s): %s' "$what" "$url" "$CURL_EXIT" "$hint" ;;
  esac
}

header_value() { # header_value NAME -> the last response's header (last one wins), trimmed; builtins only
  local LC_ALL=C want="${1,,}" line field value="" found=""
  while IFS= read -r line || [[ -n "$line" ]]; do
    line="${line//$'\r'/}"
    [[ "$line" == *:* ]] || continue
    field="${line%%:*}"
    [[ "${field,,}" == "$want" ]] || continue
    value="${line#*:}"
    value="${value#"${value%%[![:blank:]]*}"}"
    found="${value%"${value##*[![:blank:]]}"}"
  done <"$HEADERS"
  if [[ -n "$found" ]]; then printf '%s\n' "$found"; fi
}

body_is_json() { jq -e 'type == "object"' "$BODY" >/dev/null 2>&1; }

# json_read [--raw] FILE FILTER NAME... -> one jq run instead of one per value: FILTER yields one value per NAME, and
# each NAME gets its value as NAME="$(jq -r ... FILE)" would (a string raw, any other value as JSON; trailing newlines
# and NUL bytes dropped). Values pass through a pipe, never argv. Returns 1 and sets nothing unless FILE holds
# one JSON text (with --raw: any text, FILTER's input as one string) on which FILTER yields exactly as many values as
# there are NAMEs.
json_read() {
  local _input=()
  if [[ "$1" == --raw ]]; then _input=(--raw-input --slurp); shift; fi
  local _file="$1" _filter="$2" _value _values=() _name _i=0
  shift 2
  while IFS= read -r -d '' _value; do
    _values+=("$_value")
  done < <(jq "${_input[@]}" -j "($_filter)"' | (if type == "string" then . else tojson end | split("\u0000") | join("")) + "\u0000"' "$_file" 2>/dev/null || true)
  ((${#_values[@]} == $#)) || return 1
  for _name in "$@"; do
    _value="${_values[_i++]}"
    while [[ "$_value" == *$'\n' ]]; do _value="${_value%$'\n'}"; done
    printf -v "$_name" '%s' "$_value"
  done
}

# The OAuth error of the last response, e.g. "invalid_grant (The refresh token is no longer valid.)".
oauth_error() {
  if body_is_json; then
    jq -r 'if .error then .error + (if .error_description then " (" + .error_description + ")" else "" end) else "no OAuth error in the response" end' "$BODY"
  else
    printf 'HTTP %s without an OAuth error' "$STATUS"
  fi
}

# urlencode VALUE -> sets ENCODED to VALUE with every byte but RFC 3986's unreserved ones percent-encoded. Builtins
# only, byte by byte, and no subshell: no process sees a secret in its argv, and none is started per form field.
ENCODED=""
urlencode() {
  local LC_ALL=C value="$1" char i
  ENCODED=""
  for ((i = 0; i < ${#value}; i++)); do
    char="${value:i:1}"
    case "$char" in
      [A-Za-z0-9._~-]) ENCODED+="$char" ;;
      *) printf -v char '%%%02X' "'$char"; ENCODED+="$char" ;;
    esac
  done
}

# form_body NAME=VALUE... encoded; values taken from the named shell variables to keep them out of argv:
#   form_field grant_type authorization_code >>file ; values are written through printf (a builtin).
form_field() { # form_field NAME VALUE   (builtins only: safe for secrets)
  local name
  urlencode "$1"
  name="$ENCODED"
  urlencode "$2"
  printf '%s=%s&' "$name" "$ENCODED"
}

BEARER_HEADER=""
set_bearer() { BEARER_HEADER="Authorization: Bearer $1"; } # written to the header file by mcp_post, with printf

# scheme://host[:port] of a URL (one line; the URL itself when it has none)
origin_of() {
  local re='^[a-zA-Z][a-zA-Z0-9+.-]*://[^/?#]+'
  if [[ "$1" =~ $re ]]; then printf '%s' "${BASH_REMATCH[0]}"; else printf '%s' "$1"; fi
}
# the path of a URL (one line) without query/fragment, no trailing slash ("" for the root)
path_of() {
  local rest="$1" re='^[a-zA-Z][a-zA-Z0-9+.-]*://[^/?#]+'
  if [[ "$rest" =~ $re ]]; then rest="${rest:${#BASH_REMATCH[0]}}"; fi
  rest="${rest%%[?#]*}"
  while [[ "$rest" == */ ]]; do rest="${rest%/}"; done
  printf '%s' "$rest"
}

# ---------------------------------------------------------------------------------------------------------
# Which URLs this script talks to: https, or plain http to a loopback host only (localhost, 127.0.0.0/8,
# [::1]). Every URL is checked before anything is sent to it, whoever named it: the user, the MCP server's
# metadata, the authorization server's metadata, a redirect or a form.
# ---------------------------------------------------------------------------------------------------------

# shown TEXT -> TEXT fit for one line of a message: no control characters (a hostile server's strings must
# not drive the terminal), at most 200 characters.
shown() {
  without_controls "$1"
  local text="$PRINTABLE"
  if ((${#text} > 200)); then text="${text:0:197}..."; fi
  printf '%s' "$text"
}

PRINTABLE=""
without_controls() { local LC_ALL=C; PRINTABLE="${1//[[:cntrl:]]/}"; } # byte-wise: C0 controls and DEL

LOWERED=""
lowercase() { local LC_ALL=C; LOWERED="${1,,}"; } # sets LOWERED; ASCII only, as DNS names and schemes compare

# parse_url URL -> sets URL_SCHEME and URL_HOST (lower case; an IPv6 address keeps its brackets), URL_PORT (the
# scheme's default when none is written) and URL_USERINFO; returns 1 when URL is not scheme:[//authority]...
parse_url() {
  local url="$1" authority hostport
  local re_url='^([A-Za-z][A-Za-z0-9+.-]*):(//([^/?#]*))?'
  local re_ipv6='^(\[[0-9A-Fa-f:.]*\])(:([0-9]{0,5}))?$'
  local re_host='^([^:]*)(:([0-9]{0,5}))?$'
  URL_SCHEME="" URL_HOST="" URL_PORT="" URL_USERINFO=""
  [[ "$url" =~ $re_url ]] || return 1
  lowercase "${BASH_REMATCH[1]}"
  URL_SCHEME="$LOWERED"
  authority="${BASH_REMATCH[3]}"
  # The host follows the last "@": "http://127.0.0.1@evil.example/" goes to evil.example.
  if [[ "$authority" == *@* ]]; then URL_USERINFO="${authority%@*}"; hostport="${authority##*@}"; else hostport="$authority"; fi
  if [[ "$hostport" =~ $re_ipv6 || "$hostport" =~ $re_host ]]; then
    lowercase "${BASH_REMATCH[1]}"
    URL_HOST="$LOWERED"
    URL_PORT="${BASH_REMATCH[3]}"
  else
    return 1
  fi
  if [[ -n "$URL_PORT" ]]; then
    URL_PORT=$((10#$URL_PORT))
  else
    case "$URL_SCHEME" in http) URL_PORT=80 ;; https) URL_PORT=443 ;; esac
  fi
  return 0
}

# is_loopback_host HOST (as parse_url leaves it): localhost, 127.0.0.0/8 in four decimal numbers, or [::1].
# Nothing else: not "127.0.0.1.example.com", not "localhost.example.com", not 127.1 or 0x7f000001.
is_loopback_host() {
  local host="$1" octet re='^127\.([0-9]{1,3})\.([0-9]{1,3})\.([0-9]{1,3})$'
  if [[ "$host" == localhost || "$host" == '[::1]' ]]; then return 0; fi
  [[ "$host" =~ $re ]] || return 1
  for octet in "${BASH_REMATCH[@]:1}"; do
    ((10#$octet <= 255)) || return 1
  done
  return 0
}

# url_refusal URL -> sets REFUSAL to why this script will not talk to URL, as a clause; "" when it will.
REFUSAL=""
url_refusal() {
  local url="$1" cntrl='[[:space:][:cntrl:]]'
  REFUSAL=""
  if [[ "$url" =~ $cntrl ]]; then REFUSAL='it contains spaces or control characters'; return; fi
  if ! parse_url "$url"; then REFUSAL='it is not a valid URL'; return; fi
  case "$URL_SCHEME" in
    http | https) [[ -n "$URL_HOST" ]] || { REFUSAL='it names no host'; return; } ;;
    *) REFUSAL="its scheme is '$(shown "$URL_SCHEME"):', not http or https"; return ;;
  esac
  if [[ -n "$URL_USERINFO" ]]; then
    REFUSAL='it has a user name before its host (user@host), which disguises where it leads'
  elif [[ "$URL_SCHEME" == http ]] && ! is_loopback_host "$URL_HOST"; then
    REFUSAL="it is plain http to $(shown "$URL_HOST"), which is not a loopback host: https is required (plain http only to localhost, 127.0.0.0/8 and [::1])"
  fi
}

# require_url WHAT URL [ADVICE] -> fails, naming WHAT and URL, unless this script may talk to URL.
require_url() {
  local what="$1" url="$2" advice="${3:-}"
  url_refusal "$url"
  [[ -z "$REFUSAL" ]] || fail "refusing $what '$(shown "$url")': $REFUSAL${advice:+; $advice}."
}

# url_origin URL -> its origin (RFC 6454) as scheme://host:port, scheme and host in lower case and the port always
# written, so equal origins are equal strings; nothing when URL has no host.
url_origin() {
  if parse_url "$1" && [[ -n "$URL_HOST" ]]; then printf '%s://%s:%s' "$URL_SCHEME" "$URL_HOST" "$URL_PORT"; fi
}

# same_resource A B: A and B identify the same resource. RFC 9728 section 3.3 wants them identical; the one
# equivalence allowed is an empty path against "/" ("https://h" and "https://h/" are one URL, RFC 3986 section
# 6.2.3). "https://h/mcp" and "https://h/mcp/" are two resources.
same_resource() {
  local re='^[A-Za-z][A-Za-z0-9+.-]*://[^/?#]+$'
  [[ "$1" == "$2" ]] && return 0
  [[ "${1%/}" == "${2%/}" && "${1%/}" =~ $re ]]
}

# resolve a Location/form action against a base URL
resolve_url() {
  local base="$1" ref="$2" absolute='^[A-Za-z][A-Za-z0-9+.-]*:'
  # Any scheme makes a reference absolute (RFC 3986 section 4.3): "javascript:..." or "HTTP://..." is not a path.
  if [[ "$ref" =~ $absolute ]]; then printf '%s' "$ref"; return; fi
  case "$ref" in
    http://* | https://*) printf '%s' "$ref" ;;
    //*) printf '%s:%s' "${base%%:*}" "$ref" ;;
    /*) printf '%s%s' "$(origin_of "$base")" "$ref" ;;
    '') printf '%s' "$base" ;;
    \?*) printf '%s%s' "${base%%\?*}" "$ref" ;;
    *) local dir="${base%%\?*}"
      printf '%s/%s' "${dir%/*}" "$ref" ;;
  esac
}

# query_param NAME URL -> the decoded value of the first NAME=... in the query (before any "#"; "" when absent).
# Builtins only: the value may be the authorization code.
query_param() {
  local name="$1" rest="${2%%#*}" pair value=""
  if [[ "$rest" == *\?* ]]; then rest="${rest#*\?}"; else rest=""; fi
  while [[ -n "$rest" ]]; do
    pair="${rest%%&*}"
    if [[ "$rest" == *\&* ]]; then rest="${rest#*&}"; else rest=""; fi
    if [[ -n "$pair" && "${pair%%=*}" == "$name" ]]; then
      if [[ "$pair" == *=* ]]; then value="${pair#*=}"; fi
      break
    fi
  done
  percent_decode "${value//+/ }"
}

percent_decode() { # percent_decode VALUE -> VALUE with each %XX replaced by its byte
  local s="${1//\\/\\\\}"
  printf '%b' "${s//%/\\x}"
}

# base64url without padding (RFC 4648 section 5) of the base64 text $1, which may be folded over lines
base64url() {
  local text="${1//$'\n'/}"
  text="${text//+/-}"
  text="${text//\//_}"
  printf '%s' "${text//=/}"
}

random_urlsafe() { base64url "$(openssl rand -base64 "$1")"; }

pkce_challenge() { # stdin verifier -> S256 challenge
  base64url "$(openssl dgst -sha256 -binary | openssl base64 -A)"
}

# ---------------------------------------------------------------------------------------------------------
# Arguments
# ---------------------------------------------------------------------------------------------------------
URL="${MCPASPIRE_URL:-}"
SCOPE="mcp:read"
TOKEN_FILE="${MCPASPIRE_TOKEN_FILE:-$CONFIG_HOME/token.json}"
CONFIG_DIR="${MCPASPIRE_CONFIG_DIR:-$CONFIG_HOME}"
RESOURCE_OVERRIDE=""
FORCE_NEW=0
CHECK=0

while (($# > 0)); do
  case "$1" in
    -h | --help) usage; exit 0 ;;
    --check) CHECK=1 ;;
    --new) FORCE_NEW=1 ;;
    --scope) (($# > 1)) || fail "--scope needs a value, e.g. --scope \"mcp:read mcp:write\"."
      SCOPE="$2"; shift ;;
    --scope=*) SCOPE="${1#*=}" ;;
    --token-file) (($# > 1)) || fail "--token-file needs a path."
      TOKEN_FILE="$2"; shift ;;
    --token-file=*) TOKEN_FILE="${1#*=}" ;;
    --resource) (($# > 1)) || fail "--resource needs the MCP server's URL."
      RESOURCE_OVERRIDE="$2"; shift ;;
    --resource=*) RESOURCE_OVERRIDE="${1#*=}" ;;
    --username* | --password* | --user* | --client-secret*)
      fail "credentials are never taken from arguments (other users can read them with ps): set MCPASPIRE_USERNAME and MCPASPIRE_PASSWORD in the environment instead." ;;
    -*) fail "unknown option $1: see $PROGRAM --help." ;;
    *) [[ -z "${POSITIONAL_SET:-}" ]] || fail "more than one URL given ($URL, $1): give the MCP server's URL once."
      URL="$1"; POSITIONAL_SET=1 ;;
  esac
  shift
done
URL="${URL:-$DEFAULT_URL}"
[[ "$URL" =~ ^https?://[^/?#]+ ]] || fail "'$URL' is not an http(s) URL: give the MCP server's URL, e.g. $DEFAULT_URL."
URL="${URL%%#*}"
require_url "the URL" "$URL" "give the server's https URL"
[[ "$SCOPE" =~ ^[A-Za-z0-9:._/-]+(\ [A-Za-z0-9:._/-]+)*$ ]] || fail "--scope '$SCOPE' is not a space-separated list of scope names, e.g. \"mcp:read mcp:write\"."
# offline_access asks for a refresh token (OpenID Connect); the MCP scopes decide what the token may do.
REQUESTED_SCOPE=""
read -r -a SCOPE_NAMES <<<"$SCOPE offline_access"
for SCOPE_NAME in "${SCOPE_NAMES[@]}"; do
  case " $REQUESTED_SCOPE " in *" $SCOPE_NAME "*) ;; *) REQUESTED_SCOPE+="${REQUESTED_SCOPE:+ }$SCOPE_NAME" ;; esac
done

# ---------------------------------------------------------------------------------------------------------
# Discovery: MCP server -> protected resource metadata (RFC 9728) -> authorization server metadata (RFC 8414)
# ---------------------------------------------------------------------------------------------------------
RESOURCE=""
ISSUER=""
AS_META="$WORK_DIR/as-metadata.json"
# What discover_authorization_server read from $AS_META and checked: its endpoints ("" when not offered).
AS_AUTHORIZATION_ENDPOINT=""
AS_TOKEN_ENDPOINT=""
AS_REGISTRATION_ENDPOINT=""
AS_REVOCATION_ENDPOINT=""
AS_ISS_PARAMETER_SUPPORTED=""
PRM="$WORK_DIR/resource-metadata.json"
PRM_URL=""
PRM_RESOURCE=""   # the metadata's resource and first authorization server, as read by discover_resource_metadata
PRM_AS_URL=""
PROBE_STATUS=""

# Sets PRM_URL and fills $PRM when URL is a protected resource; returns 1 when it is not one.
# The metadata must name as its resource the URL it was fetched for (RFC 9728 section 3.3): otherwise it may be
# another server's, copied to get this script to ask for tokens meant for that server and send them here.
discover_resource_metadata() {
  local url="$1" challenge named_metadata candidates=() fetched_for=() i origin suffix named
  # The MCP way: an unauthenticated request gets 401 naming the metadata.
  printf '%s\n%s\n' 'Content-Type: application/json' 'Accept: application/json, text/event-stream' >"$EXTRA_HEADERS"
  if ! http POST "$url" --data-binary '{"jsonrpc":"2.0","id":0,"method":"ping"}'; then
    fail "$(unreachable "$url" "the MCP server" "start the system (dotnet run --project AppHost) or check the URL")."
  fi
  PROBE_STATUS="$STATUS"
  if [[ "$STATUS" == 401 ]]; then
    challenge="$(header_value 'WWW-Authenticate')"
    if [[ "$challenge" =~ resource_metadata=\"([^\"]+)\" ]]; then
      named_metadata="${BASH_REMATCH[1]}"
      require_url "the metadata URL in the MCP server's 401 challenge" "$named_metadata" "nothing was sent to it"
      # Named by the server it protects: describes the URL the request went to (RFC 9728 section 3.3).
      candidates+=("$named_metadata")
      fetched_for+=("$url")
    fi
  fi
  # RFC 9728 section 3.1: the well-known prefix inserted between the host and the path (and query) as given,
  # where a lone "/" after the host goes, then the root, which describes the origin (path-less resource).
  origin="$(origin_of "$url")"
  suffix="${url#"$origin"}"
  case "$suffix" in / | /\?*) suffix="${suffix#/}" ;; esac
  if [[ -n "$suffix" ]]; then
    candidates+=("$origin/.well-known/oauth-protected-resource$suffix")
    fetched_for+=("$url")
  fi
  candidates+=("$origin/.well-known/oauth-protected-resource")
  fetched_for+=("$origin")
  for i in "${!candidates[@]}"; do
    http GET "${candidates[$i]}" || continue
    if [[ "$STATUS" == 200 ]] && json_read "$BODY" '
        if (.resource | type == "string") and (.authorization_servers | type == "array" and length > 0)
        then .resource, (.authorization_servers[0] | if type == "string" then . else tostring end) else empty end' named PRM_AS_URL; then
      same_resource "$named" "${fetched_for[$i]}" ||
        fail "refusing the protected resource metadata at '$(shown "${candidates[$i]}")': it names the resource '$(shown "$named")' but was fetched for '$(shown "${fetched_for[$i]}")', and RFC 9728 (section 3.3) requires the two to be identical; nothing was sent to the authorization server it names. Give the MCP server's URL exactly as the server names itself (a trailing slash counts)."
      cp "$BODY" "$PRM"
      PRM_URL="${candidates[$i]}"
      PRM_RESOURCE="$named"
      return 0
    fi
  done
  return 1
}

# Sets AS_URL to the authorization server the protected resource metadata names (the first), once it is a URL
# this script may talk to.
AS_URL=""
authorization_server_from_metadata() {
  AS_URL="$PRM_AS_URL"
  require_url "the authorization server named in the protected resource metadata" "$AS_URL" "nothing was sent to it"
}

# Fills $AS_META from the authorization server's metadata and checks what this script relies on.
discover_authorization_server() {
  local issuer="$1" origin path candidate
  origin="$(origin_of "$issuer")"
  path="$(path_of "$issuer")"
  for candidate in "$origin/.well-known/oauth-authorization-server$path" "$origin/.well-known/openid-configuration$path" "${issuer%/}/.well-known/openid-configuration"; do
    if ! http GET "$candidate"; then
      fail "$(unreachable "$candidate" "the authorization server" "start the auth-server resource (dotnet run --project AppHost) and check that it is healthy in the Aspire dashboard")."
    fi
    if [[ "$STATUS" == 200 ]] && body_is_json; then
      cp "$BODY" "$AS_META"
      break
    fi
  done
  if [[ ! -s "$AS_META" && "$STATUS" =~ ^50[234]$ ]]; then
    # The issuer's origin (McpAspire: the MCP server) answers for an authorization server it cannot reach.
    fail "the authorization server behind $issuer is not answering (HTTP $STATUS for its metadata): start the auth-server resource (dotnet run --project AppHost) and check that it is healthy in the Aspire dashboard."
  fi
  [[ -s "$AS_META" ]] || fail "no authorization server metadata at $origin/.well-known/oauth-authorization-server$path (HTTP $STATUS): check that $issuer is an OAuth authorization server."
  local advertised s256 endpoints
  json_read "$AS_META" '(.issuer // ""),
      ((try ((.code_challenge_methods_supported // []) | index("S256")) catch null) != null),
      ((.authorization_endpoint | type == "string") and (.token_endpoint | type == "string")),
      (.authorization_endpoint, .token_endpoint, .registration_endpoint, .revocation_endpoint | . // "" | if type == "string" then . else tostring end),
      (.authorization_response_iss_parameter_supported == true)' \
    advertised s256 endpoints AS_AUTHORIZATION_ENDPOINT AS_TOKEN_ENDPOINT AS_REGISTRATION_ENDPOINT AS_REVOCATION_ENDPOINT AS_ISS_PARAMETER_SUPPORTED ||
    fail "the authorization server's metadata at $origin/.well-known/oauth-authorization-server$path is not one JSON object: check the server."
  # RFC 8414 section 3.3: the issuer must be exactly the URL the metadata was asked for (mix-up defence).
  # "https://host" and "https://host/" are one URL (an empty path is "/"), so they count as equal. (A URL is one line.)
  [[ "$advertised" == "$issuer" || ("$advertised" != *$'\n'* && "$(path_of "$issuer")" == "" && "$(path_of "$advertised")" == "" && "$(origin_of "$advertised")" == "$(origin_of "$issuer")") ]] || fail "the authorization server says its issuer is '$advertised', not '$issuer': its AuthServer:Issuer setting must equal the URL clients reach it at."
  ISSUER="$advertised"
  [[ "$s256" == true ]] || fail "the authorization server at $ISSUER does not advertise PKCE S256 (code_challenge_methods_supported): it cannot be used safely."
  [[ "$endpoints" == true ]] || fail "the authorization server's metadata lacks authorization_endpoint or token_endpoint: check the server."
  # Every endpoint this script may use, checked before any is used. The authorization endpoint becomes the address
  # a browser opens: a javascript: or file: URL there must never reach it.
  local field value
  for field in authorization_endpoint token_endpoint registration_endpoint revocation_endpoint; do
    value="$AS_AUTHORIZATION_ENDPOINT"
    case "$field" in
      token_endpoint) value="$AS_TOKEN_ENDPOINT" ;;
      registration_endpoint) value="$AS_REGISTRATION_ENDPOINT" ;;
      revocation_endpoint) value="$AS_REVOCATION_ENDPOINT" ;;
    esac
    if [[ -n "$value" ]]; then
      if [[ "$field" == authorization_endpoint ]]; then
        require_url "the authorization server's $field" "$value" "it is neither requested nor offered to a browser"
      else
        require_url "the authorization server's $field" "$value" "nothing was sent to it"
      fi
    fi
  done
}

discover() {
  if [[ -n "$RESOURCE_OVERRIDE" ]]; then
    [[ "$RESOURCE_OVERRIDE" =~ ^https?://[^/?#]+ ]] || fail "--resource '$RESOURCE_OVERRIDE' is not an http(s) URL: give the MCP server's URL."
  fi
  if discover_resource_metadata "$URL"; then
    RESOURCE="$PRM_RESOURCE"
    authorization_server_from_metadata
    discover_authorization_server "$AS_URL"
  else
    # Perhaps the authorization server's own URL (RFC 8414: the well-known prefix inserted before its path).
    http GET "$(origin_of "$URL")/.well-known/oauth-authorization-server$(path_of "$URL")" || true
    if [[ "$STATUS" == 200 ]] && body_is_json && jq -e '(.issuer | type == "string") and (.authorization_endpoint | type == "string")' "$BODY" >/dev/null; then
      discover_authorization_server "$URL"
      if [[ -z "$RESOURCE_OVERRIDE" ]]; then
        say "$URL is the authorization server and no --resource was given: it decides the token's audience (McpAspire's issues tokens for its MCP server)."
      fi
    else
      fail "$URL is neither a protected MCP server (no OAuth protected resource metadata, HTTP $PROBE_STATUS) nor an authorization server: give the MCP server's URL, e.g. $DEFAULT_URL."
    fi
  fi
  if [[ -n "$RESOURCE_OVERRIDE" ]]; then RESOURCE="$RESOURCE_OVERRIDE"; fi
}

# ---------------------------------------------------------------------------------------------------------
# Client registration (RFC 7591): a public client, PKCE, loopback redirect on any port (RFC 8252 s7.3).
# ---------------------------------------------------------------------------------------------------------
readonly REDIRECT_BASE="http://127.0.0.1/callback"
CLIENT_ID=""
REGISTRATION_FILE=""

registration_file_for() { # one file per authorization server
  local digest
  digest="$(printf '%s' "$1" | openssl dgst -sha256 -r)"
  printf '%s/clients/%s.json' "$CONFIG_DIR" "${digest:0:32}"
}

# register NAME -> fills $BODY with the registration response; returns 1 with a message on refusal
register_client() {
  local name="$1" endpoint
  endpoint="$AS_REGISTRATION_ENDPOINT"
  [[ -n "$endpoint" ]] || fail "the authorization server at $ISSUER offers no dynamic client registration (registration_endpoint): register a public client there by hand."
  printf '%s\n' 'Content-Type: application/json' 'Accept: application/json' >"$EXTRA_HEADERS"
  # (not piped into http: a pipeline would run http in a subshell and lose STATUS)
  http POST "$endpoint" --data-binary @- < <(jq -n --arg name "$name" --arg redirect "$REDIRECT_BASE" --arg scope "$REQUESTED_SCOPE" '{
      client_name: $name,
      application_type: "native",
      redirect_uris: [$redirect],
      grant_types: ["authorization_code", "refresh_token"],
      response_types: ["code"],
      token_endpoint_auth_method: "none",
      scope: $scope
    }') ||
    fail "$(unreachable "$endpoint" "the registration endpoint" "check that the auth-server resource is healthy")."
  [[ "$STATUS" == 201 || "$STATUS" == 200 ]] && json_read "$BODY" 'if .client_id | type == "string" then .client_id else empty end' REGISTERED_CLIENT_ID
}
REGISTERED_CLIENT_ID=""  # the client_id of the registration register_client last accepted

ensure_client() {
  REGISTRATION_FILE="$(registration_file_for "$ISSUER")"
  if [[ -f "$REGISTRATION_FILE" ]] && CACHED_ISSUER="$ISSUER" json_read "$REGISTRATION_FILE" '
      if .issuer == $ENV.CACHED_ISSUER and (.client_id | type == "string") then .client_id else empty end' CLIENT_ID; then
    return
  fi
  register_client "$CLIENT_NAME" || fail "the authorization server refused to register this script (HTTP $STATUS, $(oauth_error)): check its registration settings."
  mkdir -p -- "${REGISTRATION_FILE%/*}"
  chmod 700 -- "$CONFIG_DIR" "${REGISTRATION_FILE%/*}" 2>/dev/null || true
  jq --arg iss "$ISSUER" '{issuer: $iss} + .' "$BODY" >"$REGISTRATION_FILE.tmp"
  chmod 600 -- "$REGISTRATION_FILE.tmp"
  mv -f -- "$REGISTRATION_FILE.tmp" "$REGISTRATION_FILE"
  CLIENT_ID="$REGISTERED_CLIENT_ID"
  say "Registered as client '$CLIENT_NAME' at $ISSUER (cached in $REGISTRATION_FILE)."
}

forget_client() { rm -f -- "$REGISTRATION_FILE"; CLIENT_ID=""; }

# ---------------------------------------------------------------------------------------------------------
# The authorization code flow with PKCE S256 and the resource indicator.
# ---------------------------------------------------------------------------------------------------------
CODE=""
ISS_NOTE=""
REDIRECT_URI=""
AUTH_STEPS=()   # "STATUS description" of each hop, for the self-test

build_authorization_url() { # sets AUTHORIZE_URL, STATE, VERIFIER (kept in shell variables only)
  local endpoint port challenge
  endpoint="$AS_AUTHORIZATION_ENDPOINT"
  port=$((49152 + $(od -An -N2 -tu2 /dev/urandom) % 16000))
  REDIRECT_URI="http://127.0.0.1:$port/callback"
  # 72 random bytes, one openssl run: the first 48 (64 characters) are the PKCE verifier, the other 24 the state.
  VERIFIER="$(random_urlsafe 72)"
  STATE="${VERIFIER:64}"
  VERIFIER="${VERIFIER:0:64}"
  challenge="$(printf '%s' "$VERIFIER" | pkce_challenge)"
  AUTHORIZE_URL="$endpoint?$(
    form_field response_type code
    form_field client_id "$CLIENT_ID"
    form_field redirect_uri "$REDIRECT_URI"
    form_field scope "$REQUESTED_SCOPE"
    form_field state "$STATE"
    form_field code_challenge "$challenge"
    form_field code_challenge_method S256
    if [[ -n "$RESOURCE" ]]; then form_field resource "$RESOURCE"; fi
  )"
  AUTHORIZE_URL="${AUTHORIZE_URL%&}"
}

# One line for an authorization error, whether redirected back to us or shown on the server's error page.
explain_authorization_error() {
  local error="$1" description="$2"
  case "$error" in
    access_denied) fail "access was not granted (access_denied${description:+: $description}): run again and choose Allow on the consent page." ;;
    invalid_scope) fail "the authorization server refused the scopes '$REQUESTED_SCOPE' (invalid_scope): use --scope mcp:read or --scope \"mcp:read mcp:write\"." ;;
    invalid_target) fail "the authorization server does not know the resource $RESOURCE (invalid_target): give the MCP server's URL exactly as it advertises itself." ;;
    *) fail "the authorization server refused the request: $error${description:+ ($description)}; check the URL and --scope." ;;
  esac
}

# Reads the authorization response (the redirect back to us) and sets CODE; fails with one line otherwise.
accept_authorization_response() {
  local location="$1" error iss
  error="$(query_param error "$location")"
  if [[ -n "$error" ]]; then
    explain_authorization_error "$error" "$(query_param error_description "$location")"
  fi
  [[ "$(query_param state "$location")" == "$STATE" ]] || fail "the authorization response carries a different state than this run sent: it is not an answer to this sign-in; run again."
  iss="$(query_param iss "$location")"
  ISS_NOTE="${iss:+; iss matches the issuer (RFC 9207)}"
  if [[ -n "$iss" && "$iss" != "$ISSUER" ]]; then
    fail "the authorization response comes from issuer '$iss', not '$ISSUER' (RFC 9207 mix-up defence): run again."
  fi
  if [[ -z "$iss" && "$AS_ISS_PARAMETER_SUPPORTED" == true ]]; then
    fail "the authorization response lacks the iss parameter its server promises (RFC 9207): run again."
  fi
  CODE="$(query_param code "$location")"
  [[ -n "$CODE" ]] || fail "the authorization response has no code: run again."
}

# ---- non-interactive sign-in: a cookie jar through the login and consent forms ----

# Reads the first POST form of $BODY, in one jq run, into FORM_IS_OBJECT (a form was found), FORM_HAS_PASSWORD,
# FORM_ACTION, FORM_HIDDEN (the fields that go back unchanged: hidden ones, checked boxes; "NAME<tab>VALUE" a line),
# FORM_USER_FIELD and FORM_PASSWORD_FIELD (the first text or email field's name, the first password field's),
# FORM_LOGIN_SUBMIT (the first named submit control, "NAME<tab>VALUE", or "") and FORM_CONSENT_SUBMIT (the submit
# control that grants consent: a button or submit input whose name/value/text says allow; "NAME<tab>VALUE", "-" for
# one without a name, "" for none). The form is parsed as {action, fields:[{name,value,type,checked}], buttons:[...]}.
read_form() {
  json_read --raw "$BODY" '
    def attr($tag; $name): ($tag | capture("(?i)\\s" + $name + "\\s*=\\s*(\"(?<v>[^\"]*)\"|'"'"'(?<w>[^'"'"']*)'"'"'|(?<x>[^\\s>]+))") // null)
                           | if . == null then null else (.v // .w // .x) end;
    def unescape: gsub("&amp;"; "&") | gsub("&quot;"; "\"") | gsub("&#39;|&#x27;"; "'"'"'") | gsub("&lt;"; "<") | gsub("&gt;"; ">") | gsub("&#x2B;|&#43;"; "+") | gsub("&#x3D;|&#61;"; "=") | gsub("&#x2F;|&#47;"; "/");
    [ scan("(?is)<form\\b[^>]*>.*?</form>") ] as $forms
    | ($forms | map(select(test("(?i)<form\\b[^>]*method\\s*=\\s*[\"'"'"']?post"))) | first) as $form
    | if $form == null then null else
      ($form | capture("(?is)(?<open><form\\b[^>]*>)").open) as $open
      | {
          action: ((attr($open; "action") // "") | unescape),
          fields: [ $form | scan("(?is)<input\\b[^>]*>") | {
              name: (attr(.; "name") | if . == null then null else unescape end),
              value: ((attr(.; "value") // "") | unescape),
              type: ((attr(.; "type") // "text") | ascii_downcase),
              checked: test("(?i)\\schecked\\b") } | select(.name != null) ],
          buttons: [ $form | scan("(?is)<button\\b[^>]*>.*?</button>") | {
              name: (attr(.; "name") | if . == null then null else unescape end),
              value: ((attr(.; "value") // "") | unescape),
              type: ((attr(.; "type") // "submit") | ascii_downcase),
              text: (gsub("(?s)<[^>]*>"; "") | gsub("\\s+"; " ") | ltrimstr(" ") | rtrimstr(" ")) } ]
        } end
    | if type != "object" then false, false, "", "", "", "", "", "" else
      true,
      (.fields | any(.type == "password")),
      .action,
      ([.fields[] | select(.type == "hidden" or ((.type == "checkbox" or .type == "radio") and .checked)) | [.name, .value] | @tsv] | join("\n")),
      ([.fields[] | select(.type == "text" or .type == "email") | .name] | first // ""),
      ([.fields[] | select(.type == "password") | .name] | first),
      (([.buttons[]?, (.fields[] | select(.type == "submit"))] | map(select((.name // "") != "")) | first) as $b
        | if $b == null then "" else [$b.name, $b.value] | @tsv end),
      (([.buttons[]?, (.fields[]? | select(.type == "submit") | . + {text: .value})]
        | map(select(.type == "submit" and ((.name // "") + " " + .value + " " + (.text // "") | test("(?i)allow|accept|approve|grant|consent|yes|authori[sz]e|continue"))
                     and ((.name // "") + " " + .value + " " + (.text // "") | test("(?i)deny|reject|cancel|decline|refuse") | not)))
        | first) as $b
        | if $b == null then "" elif ($b.name // "") == "" then "-" else [$b.name, $b.value] | @tsv end)
    end' FORM_IS_OBJECT FORM_HAS_PASSWORD FORM_ACTION FORM_HIDDEN FORM_USER_FIELD FORM_PASSWORD_FIELD FORM_LOGIN_SUBMIT FORM_CONSENT_SUBMIT ||
    { FORM_IS_OBJECT=false FORM_HAS_PASSWORD=false FORM_ACTION="" FORM_HIDDEN="" FORM_USER_FIELD="" FORM_PASSWORD_FIELD="" FORM_LOGIN_SUBMIT="" FORM_CONSENT_SUBMIT=""; }
}

# Submits the parsed form. Kind "login" fills the user name and password from the environment.
# Only to the authorization server's own origin (the scheme, host and port of the authorization_endpoint its
# verified metadata names: where it signs users in, which may differ from the issuer's, as McpAspire's issuer is
# the MCP server's URL), checked before the form's body, let alone the password, is written: a sign-in page a
# hostile server or a redirect chose may post anywhere.
submit_form() {
  local kind="$1" page_url="$2" action submit name value own_origin action_origin
  action="$(resolve_url "$page_url" "$FORM_ACTION")"
  own_origin="$(url_origin "$AS_AUTHORIZATION_ENDPOINT")"
  action_origin="$(url_origin "$action")"
  if [[ -z "$own_origin" || "$action_origin" != "$own_origin" ]]; then
    if [[ "$kind" == login ]]; then
      fail "refusing to send your password to $(shown "${action_origin:-$action}"): the sign-in form at $(shown "${page_url%%\?*}") posts there, not to the authorization server's own origin $(shown "$own_origin"); nothing was sent."
    fi
    fail "refusing to submit the consent form at $(shown "${page_url%%\?*}") to $(shown "${action_origin:-$action}"): it is not the authorization server's own origin $(shown "$own_origin"); nothing was sent."
  fi
  require_url "the $kind form's action" "$action"
  {
    # hidden fields (antiforgery token, return URL, request id) go back unchanged
    if [[ -n "$FORM_HIDDEN" ]]; then
      while IFS=$'\t' read -r name value; do
        form_field "$name" "$value"
      done < <(printf '%s\n' "$FORM_HIDDEN")
    fi
    if [[ "$kind" == login ]]; then
      name="$FORM_USER_FIELD"
      [[ -n "$name" ]] || fail "the sign-in page at $page_url has no user name field this script recognises: sign in interactively (unset MCPASPIRE_USERNAME)."
      form_field "$name" "$MCPASPIRE_USERNAME"
      form_field "$FORM_PASSWORD_FIELD" "$MCPASPIRE_PASSWORD"
      submit="$FORM_LOGIN_SUBMIT"
    else
      submit="$FORM_CONSENT_SUBMIT"
      [[ -n "$submit" ]] || fail "the consent page at $page_url has no Allow button this script recognises: sign in interactively (unset MCPASPIRE_USERNAME)."
    fi
    if [[ -n "$submit" && "$submit" != "-" ]]; then
      form_field "${submit%%$'\t'*}" "${submit#*$'\t'}"
    fi
  } >"$WORK_DIR/form-body"
  printf '%s\n' 'Content-Type: application/x-www-form-urlencoded' >"$EXTRA_HEADERS"
  http POST "$action" --data-binary @"$WORK_DIR/form-body" || fail "$(unreachable "$action" "the authorization server" "check that the auth-server resource is healthy")."
  rm -f -- "$WORK_DIR/form-body"
  LAST_URL="$action"
}

# Walks /authorize -> login -> consent -> redirect, never following the final redirect to the loopback URI.
sign_in_non_interactive() {
  local url="$AUTHORIZE_URL" location hops=0 logins=0 consents=0
  AUTH_STEPS=()
  http GET "$url" || fail "$(unreachable "$AS_AUTHORIZATION_ENDPOINT" "the authorization endpoint" "check that the auth-server resource is healthy")."
  LAST_URL="$url"
  while ((hops++ < 20)); do
    case "$STATUS" in
      301 | 302 | 303 | 307 | 308)
        location="$(header_value Location)"
        [[ -n "$location" ]] || fail "the authorization server answered HTTP $STATUS without a Location: check the server's logs."
        location="$(resolve_url "$LAST_URL" "$location")"
        if [[ "$location" == "$REDIRECT_URI"* ]]; then
          AUTH_STEPS+=("$STATUS redirect back to the loopback redirect URI")
          accept_authorization_response "$location"
          return 0
        fi
        require_url "the redirect from $(shown "${LAST_URL%%\?*}") to" "$location" "the sign-in stops here"
        AUTH_STEPS+=("$STATUS redirect to ${location%%\?*}")
        http GET "$location" || fail "$(unreachable "$location" "the authorization server" "check that the auth-server resource is healthy")."
        LAST_URL="$location"
        ;;
      200 | 400)
        # The sign-in page comes back with 400 when the credentials are wrong (and may with 200).
        read_form
        if [[ "$FORM_HAS_PASSWORD" == true ]]; then
          if ((logins++ > 0)); then
            fail "sign-in refused for user '$MCPASPIRE_USERNAME': check MCPASPIRE_USERNAME and MCPASPIRE_PASSWORD (the admin password is the AppHost parameter admin-password)."
          fi
          AUTH_STEPS+=("$STATUS sign-in page ${LAST_URL%%\?*}")
          submit_form login "$LAST_URL"
        elif [[ "$STATUS" == 400 ]]; then
          local code description
          code="$(oauth_error_html)"
          description="$(error_description_html)"
          if [[ "$code" == invalid_client || ("$code" == invalid_request && "$description" == *client_id*) ]]; then
            return 2 # the cached registration is unknown to the server
          fi
          explain_authorization_error "$code" "$description"
        elif [[ "$FORM_IS_OBJECT" == true ]]; then
          ((consents++ == 0)) || fail "the consent page came back after Allow was chosen: check the authorization server's logs."
          AUTH_STEPS+=("200 consent page ${LAST_URL%%\?*}")
          submit_form consent "$LAST_URL"
        else
          fail "the authorization server showed a page without a form at ${LAST_URL%%\?*} (HTTP 200): sign in interactively to see it."
        fi
        ;;
      429) fail "too many failed sign-ins: the authorization server refuses them for a while; wait a few minutes (or check MCPASPIRE_PASSWORD) and run again." ;;
      401 | 403)
        if ((logins > 0)); then
          fail "sign-in refused for user '$MCPASPIRE_USERNAME' (HTTP $STATUS): check MCPASPIRE_USERNAME and MCPASPIRE_PASSWORD."
        fi
        fail "the authorization server refused the request (HTTP $STATUS) at ${LAST_URL%%\?*}: check its logs."
        ;;
      *) fail "the authorization server answered HTTP $STATUS at ${LAST_URL%%\?*}: check its logs." ;;
    esac
  done
  fail "the authorization server redirected more than 20 times without coming back: check its logs."
}

# The OAuth error code of an HTML (or JSON) error page, without echoing the page.
oauth_error_html() {
  if body_is_json; then jq -r '.error // "unknown_error"' "$BODY"; return; fi
  { grep -oE 'invalid_[a-z_]+|unauthorized_client|unsupported_response_type|access_denied|server_error|temporarily_unavailable' "$BODY" || printf 'unknown_error'; } | head -n1
}

# The error description of such a page (the element the AuthServer marks id="error-description"), if any.
error_description_html() {
  if body_is_json; then jq -r '.error_description // ""' "$BODY"; return; fi
  jq -Rsr '(capture("(?s)id=\"error-description\"[^>]*>(?<d>[^<]*)<") // {d: ""}).d | gsub("&#x27;|&#39;"; "'"'"'") | gsub("&quot;"; "\"") | gsub("&amp;"; "&")' "$BODY" 2>/dev/null || true
}

# ---- interactive sign-in: the user's browser; the address it ends on is pasted back ----
sign_in_interactive() {
  # Only an http(s) address is ever shown as the one to open, or opened: a browser runs javascript: and reads
  # file: URLs. (Discovery refuses such an authorization endpoint already; this holds whatever built the URL.)
  url_refusal "$AUTHORIZE_URL"
  [[ -z "$REFUSAL" ]] || fail "refusing to open the authorization URL or offer it to a browser: $REFUSAL."
  [[ -t 0 ]] || fail "no terminal to sign in on: set MCPASPIRE_USERNAME and MCPASPIRE_PASSWORD for a non-interactive sign-in, or run in a terminal."
  say ""
  say "Open this address in your browser, sign in and allow access:"
  say ""
  say "  $AUTHORIZE_URL"
  say ""
  if [[ -n "${DISPLAY:-}${WAYLAND_DISPLAY:-}" ]] && command -v xdg-open >/dev/null 2>&1; then
    xdg-open "$AUTHORIZE_URL" >/dev/null 2>&1 || true
  elif [[ "$(uname -s)" == Darwin ]]; then
    open "$AUTHORIZE_URL" >/dev/null 2>&1 || true
  fi
  say "Your browser then goes to $REDIRECT_URI?... which will not load: this script does not"
  say "run a web server. Copy that whole address from the browser's address bar and paste it here"
  say "(it is not echoed: it carries the one-time authorization code)."
  local pasted=""
  while [[ -z "$pasted" ]]; do
    read -rs -p "Address: " pasted || fail "no address pasted: run again and paste the address your browser ends on."
    printf '\n' >&2
  done
  pasted="${pasted//[[:space:]]/}"
  [[ "$pasted" == "$REDIRECT_URI"* ]] || fail "that address does not start with $REDIRECT_URI: paste the address the browser ends on after you allow access."
  accept_authorization_response "$pasted"
}

non_interactive() { [[ -n "${MCPASPIRE_USERNAME:-}" && -n "${MCPASPIRE_PASSWORD:-}" ]]; }

# Runs the whole authorization request, re-registering once if the cached client is unknown to the server.
authorize() {
  local attempt rc
  for attempt in 1 2; do
    build_authorization_url
    if non_interactive; then
      rc=0
      sign_in_non_interactive || rc=$?
      if ((rc == 2)) && ((attempt == 1)); then
        say "The authorization server no longer knows the cached client registration: registering again."
        forget_client
        ensure_client
        continue
      fi
      ((rc == 0)) || fail "the authorization server rejected the client registration: delete $REGISTRATION_FILE and run again."
    else
      sign_in_interactive
    fi
    return 0
  done
}

# ---------------------------------------------------------------------------------------------------------
# Token endpoint
# ---------------------------------------------------------------------------------------------------------
# token_request GRANT -> $BODY holds the response, STATUS its status; secrets go through a private file.
token_request() {
  local grant="$1" endpoint
  endpoint="$AS_TOKEN_ENDPOINT"
  {
    form_field grant_type "$grant"
    form_field client_id "$CLIENT_ID"
    if [[ "$grant" == authorization_code ]]; then
      form_field code "$CODE"
      form_field redirect_uri "$REDIRECT_URI"
      form_field code_verifier "$VERIFIER"
    else
      form_field refresh_token "$REFRESH_TOKEN"
    fi
    if [[ -n "$RESOURCE" ]]; then form_field resource "$RESOURCE"; fi
  } >"$WORK_DIR/token-request"
  printf '%s\n%s\n' 'Content-Type: application/x-www-form-urlencoded' 'Accept: application/json' >"$EXTRA_HEADERS"
  http POST "$endpoint" --data-binary @"$WORK_DIR/token-request" ||
    fail "$(unreachable "$endpoint" "the token endpoint" "start the auth-server resource (dotnet run --project AppHost) and run again")."
  rm -f -- "$WORK_DIR/token-request"
}

token_response_ok() {
  [[ "$STATUS" == 200 ]] && jq -e '(.access_token | type == "string") and ((.token_type // "") | ascii_downcase == "bearer")' "$BODY" >/dev/null 2>&1
}

# Writes the token response to the token file in the seed's format (plus refresh_token, resource, issuer).
store_token() {
  local dir="${TOKEN_FILE%/*}" tmp
  [[ "$dir" != "$TOKEN_FILE" ]] || dir="."
  [[ -d "$dir" ]] || mkdir -p -- "$dir" || fail "cannot create $dir for the token file: choose another place with --token-file."
  tmp="$(mktemp "$dir/.token.XXXXXXXX")" || fail "cannot write in $dir: choose another place with --token-file."
  # The previous refresh token goes through the environment (readable by this user only), never argv.
  PREVIOUS_REFRESH_TOKEN="${REFRESH_TOKEN:-}" jq --arg client_id "$CLIENT_ID" --arg resource "$RESOURCE" --arg issuer "$ISSUER" --arg requested "$REQUESTED_SCOPE" '
    {
      access_token,
      token_type: "Bearer",
      expires_in: (.expires_in // 3600),
      expires_at: ((now + (.expires_in // 3600)) * 1000 | floor / 1000),
      scope: (.scope // $requested),
      client_id: $client_id,
      refresh_token: (.refresh_token // (if $ENV.PREVIOUS_REFRESH_TOKEN == "" then null else $ENV.PREVIOUS_REFRESH_TOKEN end)),
      resource: $resource,
      issuer: $issuer
    }' "$BODY" >"$tmp" || { rm -f -- "$tmp"; fail "cannot write the token file $TOKEN_FILE: check the folder's permissions."; }
  chmod 600 -- "$tmp"
  mv -f -- "$tmp" "$TOKEN_FILE" || { rm -f -- "$tmp"; fail "cannot replace $TOKEN_FILE: check the folder's permissions."; }
}

report_token() {
  local how="$1" scope="" until=""
  local audience="${RESOURCE:-the default resource}"
  json_read "$TOKEN_FILE" '.scope, (try (.expires_at | floor | todate) catch "")' scope until || true
  say "$how: token for $audience (scope: $scope) saved to $TOKEN_FILE, valid until $until."
}

# ---------------------------------------------------------------------------------------------------------
# Getting a token: refresh when possible, otherwise the full flow.
# ---------------------------------------------------------------------------------------------------------
REFRESH_TOKEN=""

try_refresh() {
  [[ -e "$TOKEN_FILE" ]] || return 1
  local stored_resource stored_issuer stored_for stored_client missing stored_refresh
  if ! WANTED_SCOPE="$SCOPE" json_read "$TOKEN_FILE" '
      if (.access_token | type == "string") and (.client_id | type == "string") and (.scope | type == "string") then
        (.resource // ""), (.issuer // ""), (.resource // "unknown"), .client_id,
        ((.scope | split(" ")) as $have | [$ENV.WANTED_SCOPE | split(" ")[] | select(length > 0) | select(. as $s | $have | index($s) | not)] | join(" ")),
        (.refresh_token // "")
      else empty end' stored_resource stored_issuer stored_for stored_client missing stored_refresh; then
    say "The token file $TOKEN_FILE is corrupted (not the token JSON this script writes): signing in again, which replaces it."
    return 1
  fi
  if [[ "$stored_resource" != "$RESOURCE" || "$stored_issuer" != "$ISSUER" ]]; then
    say "The stored token is for another server ($stored_for): signing in again for $RESOURCE."
    return 1
  fi
  if [[ "$stored_client" != "$CLIENT_ID" ]]; then
    say "The stored token belongs to another client registration: signing in again."
    return 1
  fi
  if [[ -n "$missing" ]]; then
    say "The stored token lacks the scope '$missing': signing in again to ask for it."
    return 1
  fi
  REFRESH_TOKEN="$stored_refresh"
  if [[ -z "$REFRESH_TOKEN" ]]; then
    say "The stored token has no refresh token: signing in again."
    return 1
  fi
  token_request refresh_token
  if token_response_ok; then
    store_token
    report_token "Refreshed"
    return 0
  fi
  case "$(jq -r '.error // ""' "$BODY" 2>/dev/null || true)" in
    invalid_grant) say "The refresh token has expired or was revoked: signing in again." ;;
    invalid_client | unauthorized_client) say "The authorization server no longer knows this client: registering and signing in again."; forget_client; ensure_client ;;
    *) fail "refreshing the token failed (HTTP $STATUS, $(oauth_error)): run again with --new to sign in afresh." ;;
  esac
  REFRESH_TOKEN=""
  return 1
}

full_flow() {
  authorize
  token_request authorization_code
  token_response_ok || fail "the token endpoint refused the authorization code (HTTP $STATUS, $(oauth_error)): run again; if it persists check the auth-server's logs."
  store_token
  report_token "Signed in"
}

get_token() {
  discover
  ensure_client
  if ((FORCE_NEW == 0)) && try_refresh; then
    return 0
  fi
  full_flow
}

# ---------------------------------------------------------------------------------------------------------
# The self-test (--check): the ten steps of the dance, each with its HTTP status and what it proved.
# ---------------------------------------------------------------------------------------------------------
STEP_LABEL=""
step_ok() { printf '  ok    %-34s %-7s %s\n' "$STEP_LABEL" "$1" "$2"; }
step_fail() {
  printf '  FAIL  %-34s %-7s %s\n' "$STEP_LABEL" "$1" "$2"
  printf '%s: self-test failed at "%s": %s\n' "$PROGRAM" "$STEP_LABEL" "$3" >&2
  exit 1
}

# mcp_post JSON -> posts a JSON-RPC message to the MCP server with the bearer token set_bearer was given;
# RPC_RESULT holds the JSON-RPC response (from JSON or from an SSE stream).
MCP_SESSION=""

sse_data() { # stdin: a text/event-stream -> stdout: each data line's value (after "data:" and one optional space), a line each
  local line
  while IFS= read -r line || [[ -n "$line" ]]; do
    line="${line//$'\r'/}"
    if [[ "$line" == data:* ]]; then
      line="${line#data:}"
      printf '%s\n' "${line# }"
    fi
  done
}

mcp_post() {
  local message="$1"
  {
    printf '%s\n' 'Content-Type: application/json' 'Accept: application/json, text/event-stream' "MCP-Protocol-Version: $MCP_PROTOCOL_VERSION"
    if [[ -n "$MCP_SESSION" ]]; then printf 'Mcp-Session-Id: %s\n' "$MCP_SESSION"; fi
    printf '%s\n' "$BEARER_HEADER"
  } >"$EXTRA_HEADERS"
  http POST "$RESOURCE" --data-binary @- < <(printf '%s' "$message") || return 1
  RPC_RESULT="$WORK_DIR/rpc.json"
  if [[ "$(header_value Content-Type)" == text/event-stream* ]]; then
    sse_data <"$BODY" | jq -s 'map(select(type == "object" and has("id"))) | last // {}' >"$RPC_RESULT" 2>/dev/null || printf '{}' >"$RPC_RESULT"
  else
    jq '.' "$BODY" >"$RPC_RESULT" 2>/dev/null || printf '{}' >"$RPC_RESULT"
  fi
}

self_test() {
  local registration_uri="" registration_token="" access="" refresh="" hop status label

  printf 'Self-test of the OAuth dance against %s\n' "$URL"

  STEP_LABEL="0. discovery"
  discover_resource_metadata "$URL" || step_fail "$PROBE_STATUS" "no protected resource metadata" \
    "$URL names no OAuth protected resource metadata (RFC 9728): give the MCP server's URL (e.g. $DEFAULT_URL) and check that the mcp-server resource is healthy."
  [[ "$PROBE_STATUS" == 401 ]] || step_fail "$PROBE_STATUS" "request without a token was not refused" \
    "the MCP server answered HTTP $PROBE_STATUS to a request without a token; it must answer 401: check its authentication setup."
  RESOURCE="$PRM_RESOURCE"
  step_ok "401" "the MCP server refuses a request without a token and names its metadata"
  local protected_by="" scopes=""
  json_read "$PRM" '.authorization_servers[0], (try ((.scopes_supported // []) | join(" ")) catch "")' protected_by scopes || true
  step_ok "200" "metadata at $PRM_URL: resource $RESOURCE is protected by $protected_by ($scopes)"
  local as_url
  authorization_server_from_metadata
  as_url="$AS_URL"
  http GET "$(origin_of "$as_url")/.well-known/oauth-authorization-server$(path_of "$as_url")" ||
    step_fail "---" "authorization server unreachable" "$(unreachable "$as_url" "the authorization server" "start the auth-server resource (dotnet run --project AppHost, or Start in the Aspire dashboard) and run the self-test again")."
  [[ ! "$STATUS" =~ ^50[234]$ ]] || step_fail "$STATUS" "authorization server unreachable" \
    "the authorization server behind $as_url is not answering (HTTP $STATUS for its metadata): start the auth-server resource (dotnet run --project AppHost, or Start in the Aspire dashboard) and run the self-test again."
  [[ "$STATUS" == 200 ]] || step_fail "$STATUS" "no authorization server metadata" \
    "$as_url serves no RFC 8414 metadata at /.well-known/oauth-authorization-server: check the auth-server resource."
  : >"$AS_META"
  discover_authorization_server "$as_url"
  step_ok "200" "authorization server $ISSUER: issuer matches, PKCE S256, registration at $(jq -r '.registration_endpoint // "none"' "$AS_META")"

  STEP_LABEL="1. register client"
  register_client "get_fresh_token.sh self-test" || step_fail "$STATUS" "registration refused" \
    "the authorization server refused dynamic client registration ($(oauth_error)): check /register."
  step_ok "$STATUS" "a public client registers itself dynamically (RFC 7591)"
  STEP_LABEL="2. client credentials"
  CLIENT_ID="$REGISTERED_CLIENT_ID"
  local public_client=false
  json_read "$BODY" '((.client_secret // null) == null and ((.token_endpoint_auth_method // "none") == "none")),
      (.registration_client_uri // ""), (.registration_access_token // "")' public_client registration_uri registration_token || true
  [[ "$public_client" == true ]] ||
    step_fail "$STATUS" "a secret was issued to a public client" "the server issued a client secret to a client registered with token_endpoint_auth_method none: check /register."
  step_ok "$STATUS" "client_id issued, no secret (public client, token_endpoint_auth_method none)"

  STEP_LABEL="3. authorization request"
  non_interactive || sign_in_check_interactive_hint
  build_authorization_url
  local rc=0
  sign_in_non_interactive || rc=$?
  ((rc == 0)) || step_fail "$STATUS" "client unknown" "the authorization server did not recognise the client it just registered: check its application store."
  for hop in "${AUTH_STEPS[@]}"; do
    status="${hop%% *}"; label="${hop#* }"
    step_ok "$status" "$label"
  done
  STEP_LABEL="4. authorization code"
  step_ok "302" "code issued to the loopback redirect URI; state matches${ISS_NOTE}"

  STEP_LABEL="5. token exchange"
  token_request authorization_code
  token_response_ok || step_fail "$STATUS" "code refused" "the token endpoint refused the code with its PKCE verifier ($(oauth_error)): check the auth-server's logs."
  step_ok "$STATUS" "code + PKCE verifier + resource exchanged at the token endpoint"
  STEP_LABEL="6. access token"
  local scope_granted=false expires_in="" token_scope=""
  WANTED_SCOPE="$SCOPE" json_read "$BODY" '.access_token, (.refresh_token // ""),
      (try ((.scope // "") | split(" ") as $have | all($ENV.WANTED_SCOPE | split(" ")[]; . as $s | $have | index($s))) catch false),
      (.expires_in // "?"), (.scope // "")' access refresh scope_granted expires_in token_scope || true
  [[ "$scope_granted" == true ]] ||
    step_fail "$STATUS" "scope missing" "the token does not carry the scope '$SCOPE' (got '$token_scope'): check the consent and scope policy."
  step_ok "$STATUS" "Bearer token, expires in $expires_in s, scope '$token_scope'$([[ -n "$refresh" ]] && printf ', refresh token issued')"

  STEP_LABEL="7. MCP request + token"
  set_bearer "$access"
  mcp_post "{\"jsonrpc\":\"2.0\",\"id\":1,\"method\":\"initialize\",\"params\":{\"protocolVersion\":\"$MCP_PROTOCOL_VERSION\",\"capabilities\":{},\"clientInfo\":{\"name\":\"get_fresh_token.sh\",\"version\":\"1.0\"}}}" ||
    step_fail "---" "MCP server unreachable" "$(unreachable "$RESOURCE" "the MCP server" "check the mcp-server resource")."
  local initialized=false server="" protocol=""
  json_read "$RPC_RESULT" '(try (.result.serverInfo | . != null and . != false) catch false),
      (try ([.result.serverInfo.name, .result.serverInfo.version // empty] | join(" ")) catch ""),
      (try .result.protocolVersion catch "")' initialized server protocol || true
  { [[ "$STATUS" == 200 && "$initialized" == true ]]; } ||
    step_fail "$STATUS" "initialize refused" "the MCP server refused a fresh token ($(header_value WWW-Authenticate | sed -E 's/^Bearer //' || true)): check that its Mcp:ResourceUrl equals the token's audience $RESOURCE and that it can reach the auth server."
  MCP_SESSION="$(header_value Mcp-Session-Id || true)"
  step_ok "$STATUS" "initialize accepted: $server (protocol $protocol)"
  mcp_post '{"jsonrpc":"2.0","method":"notifications/initialized"}' || true

  STEP_LABEL="8. validate token"
  set_bearer "${access}x"
  mcp_post '{"jsonrpc":"2.0","id":2,"method":"tools/list"}' || step_fail "---" "MCP server unreachable" "$(unreachable "$RESOURCE" "the MCP server" "check the mcp-server resource")."
  [[ "$STATUS" == 401 ]] || step_fail "$STATUS" "altered token accepted" "the MCP server accepted an altered token: it does not validate tokens; check its authentication setup."
  step_ok "$STATUS" "an altered token is refused: the MCP server validates every token"
  STEP_LABEL="9. token valid"
  set_bearer "$access"
  mcp_post '{"jsonrpc":"2.0","id":3,"method":"tools/list"}' || step_fail "---" "MCP server unreachable" "$(unreachable "$RESOURCE" "the MCP server" "check the mcp-server resource")."
  local listed=false jenkins_tool=false tool_count=""
  json_read "$RPC_RESULT" '(try (.result.tools | type == "array") catch false),
      (try (.result.tools | any(.name == "get_jenkins_status")) catch false),
      (try (.result.tools | length | if . == 1 then "1 tool" else "\(.) tools" end) catch "")' listed jenkins_tool tool_count || true
  { [[ "$STATUS" == 200 && "$listed" == true ]]; } ||
    step_fail "$STATUS" "tools/list refused" "the MCP server refused tools/list with a valid token ($(jq -r '.error.message // "no JSON-RPC result"' "$RPC_RESULT")): check its logs."
  step_ok "$STATUS" "the same token, unaltered, is valid for resource $RESOURCE"

  cp "$RPC_RESULT" "$WORK_DIR/tools.json"

  STEP_LABEL="10. Jenkins data response"
  if [[ "$jenkins_tool" == true ]]; then
    mcp_post '{"jsonrpc":"2.0","id":4,"method":"tools/call","params":{"name":"get_jenkins_status","arguments":{}}}' ||
      step_fail "---" "MCP server unreachable" "$(unreachable "$RESOURCE" "the MCP server" "check the mcp-server resource")."
    local answered=false jenkins=""
    json_read "$RPC_RESULT" '(try (.result and (.result.isError | not)) catch false),
      (try ((.result.structuredContent // (.result.content[0].text | fromjson? // {})) as $s
        | if $s.version then "Jenkins \($s.version), \($s.topLevelItems // "?") top-level items, \($s.queueLength // 0) queued" else (.result.content[0].text // "" | .[0:80]) end) catch "")' \
      answered jenkins || true
    { [[ "$STATUS" == 200 && "$answered" == true ]]; } ||
      step_fail "$STATUS" "no Jenkins data" "the MCP server could not read Jenkins ($(jq -r '.error.message // (.result.content[0].text // "no result") | .[0:200]' "$RPC_RESULT")): check the jenkins resource and the Jenkins credentials."
    step_ok "$STATUS" "tools/call get_jenkins_status: $jenkins"
  fi
  step_ok "200" "tools/list: $tool_count for a token with scope '$token_scope' (listed below)"

  # Clean up what the self-test created: its tokens (RFC 7009) and its registration (RFC 7592).
  STEP_LABEL="cleanup"
  local revocation
  revocation="$AS_REVOCATION_ENDPOINT"
  if [[ -n "$revocation" && -n "$refresh" ]]; then
    { form_field token "$refresh"; form_field token_type_hint refresh_token; form_field client_id "$CLIENT_ID"; } >"$WORK_DIR/revoke"
    printf '%s\n' 'Content-Type: application/x-www-form-urlencoded' >"$EXTRA_HEADERS"
    if http POST "$revocation" --data-binary @"$WORK_DIR/revoke" && [[ "$STATUS" == 2* ]]; then step_ok "$STATUS" "self-test refresh token revoked (RFC 7009)"; fi
    rm -f -- "$WORK_DIR/revoke"
  fi
  if [[ -n "$registration_uri" && -n "$registration_token" ]]; then
    printf 'Authorization: Bearer %s\n' "$registration_token" >"$EXTRA_HEADERS"
    if http DELETE "$registration_uri" && [[ "$STATUS" == 2* ]]; then step_ok "$STATUS" "self-test client registration deleted (RFC 7592)"; fi
  fi
  printf 'The MCP server'"'"'s tools:\n'
  jq -r '.result.tools[] | "  - \(.name): \((.description // "") | split("\n")[0] | if length > 100 then .[0:97] + "..." else . end)"' "$WORK_DIR/tools.json"
  printf 'Self-test passed: the ten steps work against %s.\n' "$RESOURCE"
}

sign_in_check_interactive_hint() {
  fail "the self-test signs in non-interactively: set MCPASPIRE_USERNAME and MCPASPIRE_PASSWORD (admin and the AppHost parameter admin-password) in the environment and run again."
}

# ---------------------------------------------------------------------------------------------------------
if ((CHECK == 1)); then
  self_test
else
  get_token
fi
