// Writes the benchmark's markdown from the JSON figures bench/run.sh collected in one directory:
//   meta.json                          machine, versions, notes
//   <load>-<side>-c<N>.json            one wrk load (bench/wrk/common.lua's figures), side = ours | peer |
//                                      floor | floor-defaults (bench/floor, bare and with the ServiceDefaults);
//                                      dynamodb-get|put|transact-ours-c<N>.json: the storage ceiling
//   dance-ours.json, dance-peer.json   oauth-driver.mjs dance summaries
//   memory.json                        [{service, peak_mb, after_mb, target}]
//   startup.json                       {seconds, build_seconds}
// Usage: node report.mjs DIR > result.md   (a figure that was not measured shows as "-", never as a pass)
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';

const dir = process.argv[2];
const read = (name) => (existsSync(join(dir, name)) ? JSON.parse(readFileSync(join(dir, name), 'utf8')) : undefined);
const meta = read('meta.json') ?? {};
const load = (name, side, c) => read(`${name}-${side}-c${c}.json`);

const fmt = (value, digits = 1) => (value === undefined || value === null || Number.isNaN(value) ? '-' : Number(value).toFixed(digits));
const failures = (r) => (r ? r.failed_checks + r.socket_errors + r.timeouts + (r.requests === 0 ? 1 : 0) : 0);
const verdict = (ok) => (ok === undefined ? '- (not measured)' : ok ? '✅ met' : '❌ missed');

// A load whose answers were wrong does not count: its throughput is the correct answers' only.
const rps = (r) => r?.ok_rps;
const failureNote = (r) => (r && failures(r) > 0 ? (r.requests === 0 ? ` (${r.first_failure})` : ` (${failures(r)} failed: ${r.first_failure || 'socket errors'})`) : '');

const lines = [];
const out = (line = '') => lines.push(line);

out(`# McpAspire benchmark, ${meta.started_at ?? ''}`);
out();
out(`Machine: ${meta.nproc} cores (${meta.cpu_model}), ${meta.memory}, ${meta.kernel}. .NET SDK ${meta.dotnet}, Node.js ${meta.node}, ${meta.wrk}, oidc-provider ${meta.peer_version}. Commit ${meta.commit}.`);
out(`Load before the run (1-minute average): ${meta.loadavg_before}. Each load: wrk for ${meta.duration_s} s after a ${meta.warmup_s} s warm-up, loopback only, threads = min(2, connections).`);
for (const note of meta.notes ?? []) out(`- ${note}`);
out();

// 1 and 2: side by side.
out('## Side by side with oidc-provider (same run)');
out();
out('| endpoint | connections | McpAspire req/s | p50 ms | p99 ms | oidc-provider req/s | p50 ms | p99 ms | ratio | load average (ours / peer) |');
out('| --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: |');
const sideBySide = [
  ['introspection', 'introspect', meta.introspection_connections ?? [1, 16, 64]],
  ['token: client_credentials', 'token-cc', meta.token_connections ?? [1, 16]],
  ['token: refresh_token (rotating)', 'token-refresh', meta.token_connections ?? [1, 16]],
];
const ratios = {};
for (const [label, name, connections] of sideBySide) {
  for (const c of connections) {
    const ours = load(name, 'ours', c);
    const peer = load(name, 'peer', c);
    const ratio = ours && peer && rps(peer) > 0 ? rps(ours) / rps(peer) : undefined;
    (ratios[name] ??= []).push(ratio);
    out(`| ${label} | ${c} | ${fmt(rps(ours))}${failureNote(ours)} | ${fmt(ours?.p50_ms, 2)} | ${fmt(ours?.p99_ms, 2)} | ${fmt(rps(peer))}${failureNote(peer)} | ${fmt(peer?.p50_ms, 2)} | ${fmt(peer?.p99_ms, 2)} | ${ratio === undefined ? '-' : `${fmt(ratio, 2)}×`} | ${fmt(ours?.loadavg, 2)} / ${fmt(peer?.loadavg, 2)} |`);
  }
}
out();

// The storage ceiling: DynamoDB Local's own rate for each call the hot paths make, in this run.
const ceilingConnections = meta.ceiling_connections ?? [1, 16];
const ceiling = (op, c) => load(`dynamodb-${op}`, 'ours', c);
const ceilingLabels = { get: 'GetItem (consistent, token-sized item)', put: 'PutItem (conditional, new item)', transact: 'TransactWriteItems (two conditional puts)' };
out('## The storage ceiling: DynamoDB Local alone (same run, same process the auth server uses)');
out();
out('| call | connections | req/s | p50 ms | p99 ms | DynamoDB Local CPU ms per call | load average |');
out('| --- | ---: | ---: | ---: | ---: | ---: | ---: |');
for (const c of ceilingConnections) {
  for (const op of ['get', 'put', 'transact']) {
    const r = ceiling(op, c);
    out(`| ${ceilingLabels[op]} | ${c} | ${fmt(rps(r))}${failureNote(r)} | ${fmt(r?.p50_ms, 2)} | ${fmt(r?.p99_ms, 2)} | ${fmt(r?.cpu_ms_per_request?.dynamodb, 3)} | ${fmt(r?.loadavg, 2)} |`);
  }
}
out();
// The DynamoDB calls each path makes (HotPathCostTests pins them); a path's ceiling is what DynamoDB Local alone
// could serve of that mix: 1 / (sum of count / rate), the calls being made one after another.
const pathMix = {
  introspect: { label: 'introspection', calls: { get: 1 } },
  'token-cc': { label: 'token: client_credentials', calls: { transact: 1 } },
  // The refresh token by reference, the user (the token endpoint re-checks the account), the redeem, two new tokens.
  'token-refresh': { label: 'token: refresh_token (rotating)', calls: { get: 2, transact: 3 } },
};
const mixText = (calls) => Object.entries(calls).map(([op, n]) => `${n} ${op === 'get' ? 'GetItem' : op === 'put' ? 'PutItem' : 'TransactWriteItems'}`).join(' + ');
const pathCeiling = (calls, c) => {
  let seconds = 0;
  for (const [op, n] of Object.entries(calls)) {
    const r = ceiling(op, c);
    if (!r || !(rps(r) > 0)) return undefined;
    seconds += n / rps(r);
  }
  return 1 / seconds;
};
const shares = {};
out('### Each path as a share of its ceiling');
out();
out('| path | DynamoDB calls per request | connections | McpAspire req/s | ceiling of that mix req/s | share |');
out('| --- | --- | ---: | ---: | ---: | ---: |');
for (const [name, { label, calls }] of Object.entries(pathMix)) {
  for (const c of ceilingConnections) {
    const ours = load(name, 'ours', c);
    const top = pathCeiling(calls, c);
    const share = ours && top ? rps(ours) / top : undefined;
    (shares[name] ??= {})[c] = share;
    out(`| ${label} | ${mixText(calls)} | ${c} | ${fmt(rps(ours))} | ${fmt(top)} | ${share === undefined ? '-' : `${fmt(share * 100, 0)} %`} |`);
  }
}
out();

// Where each request's work went: CPU time per request of each process during the load.
out('## CPU time per request, by process (ms, from /proc during each load)');
out();
const serverNames = { ours: 'McpAspire', peer: 'oidc-provider', floor: 'floor (bare)', 'floor-defaults': 'floor (ServiceDefaults)' };
out('| load | server | connections | auth-server | mcp-server | floor | JenkinsMock | DynamoDB Local | oidc-provider |');
out('| --- | --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: |');
for (const name of readdirSync(dir).filter((f) => /^(introspect|token-cc|token-refresh|mcp-call)-(ours|peer|floor|floor-defaults)-c\d+\.json$/.test(f)).sort()) {
  const [, load, side, c] = /^(introspect|token-cc|token-refresh|mcp-call)-(.+)-c(\d+)\.json$/.exec(name);
  const cpu = read(name).cpu_ms_per_request ?? {};
  const cell = (key) => (cpu[key] === undefined || cpu[key] === null ? '-' : fmt(cpu[key], 2));
  out(`| ${load} | ${serverNames[side]} | ${c} | ${cell('auth')} | ${cell('mcp')} | ${cell('floor')} | ${cell('jenkins')} | ${cell('dynamodb')} | ${cell('peer')} |`);
}
out();
out('The sum of a row is the CPU one request costs the machine; with 2 cores, 2000 ms divided by it bounds the requests per second.');
out();

// 3: MCP tools/call.
out('## MCP tools/call (list_jobs), end to end with its introspection');
out();
out('| connections | req/s | p50 ms | p99 ms | introspection alone p50 ms | tools/call p50 ÷ introspection p50 | introspection share, measured in the MCP server | tools/call p50 ms, MCP server\'s view | its introspection call p50 ms | its Jenkins call p50 ms | load average |');
out('| ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: |');
const mcpRatios = [];
for (const c of meta.mcp_connections ?? [1, 16]) {
  const call = load('mcp-call', 'ours', c);
  const intro = load('introspect', 'ours', c);
  const ratio = call && intro ? call.p50_ms / intro.p50_ms : undefined;
  mcpRatios.push(call && failures(call) === 0 ? ratio : undefined);
  const counters = read(`mcp-counters-ours-c${c}.json`);
  const share = counters?.introspection_share_pct;
  out(`| ${c} | ${fmt(rps(call))}${failureNote(call)} | ${fmt(call?.p50_ms, 2)} | ${fmt(call?.p99_ms, 2)} | ${fmt(intro?.p50_ms, 2)} | ${ratio === undefined ? '-' : `${fmt(ratio, 2)}×`} | ${share === undefined ? '-' : `${fmt(share, 0)} %`} | ${fmt(counters?.tools_call_p50_ms, 2)} | ${fmt(counters?.introspection_p50_ms, 2)} | ${fmt(counters?.jenkins_p50_ms, 2)} | ${fmt(call?.loadavg, 2)} |`);
}
out();
out('req/s, p50, p99 and the CPU figures come from the measured load, which runs without an observer. The last four columns come from a second load of the same length right after it, during which dotnet-counters reads the MCP server\'s own metrics: the p50 of the tools/call requests it served, of its introspection requests to the auth server and of its requests to Jenkins; the share is the second over the first. The auth server and the MCP server share the 2 cores, so under load each also waits for the other\'s CPU.');
out();

// The floor: the same network calls as each hot path, made with the same clients and nothing else (bench/floor).
const floorCpu = (name, side, c) => load(name, side, c)?.cpu_ms_per_request?.floor;
const floorConnections = meta.mcp_connections ?? [1, 16];
out('## The floor: each hot path\'s network calls with nothing else (bench/floor, same run)');
out();
out('The floor makes the calls a request of the path cannot do without, with the clients the services use (Kestrel, HttpClient, the AWS SDK), and nothing around them: no OpenIddict, no MCP SDK, no policy logic, no audit. Its introspection reads one consistent `GetItem`; its tools/call introspects at the real auth server, reads one `BatchGetItem` and Jenkins\' job list, and answers a JSON-RPC result. "bare" is that alone; "ServiceDefaults" adds the project\'s ServiceDefaults (OpenTelemetry and its export to the dashboard, the standard resilience handler on every HttpClient). What a request costs the floor, no server on this stack can save.');
out();
out('| path | connections | server | req/s | p50 ms | p99 ms | that server\'s CPU ms per request | share of McpAspire\'s | load average |');
out('| --- | ---: | --- | ---: | ---: | ---: | ---: | ---: | ---: |');
for (const [name, label, process] of [['introspect', 'introspection', 'auth'], ['mcp-call', 'tools/call list_jobs', 'mcp']]) {
  for (const c of floorConnections) {
    const oursCpu = load(name, 'ours', c)?.cpu_ms_per_request?.[process];
    for (const side of ['ours', 'floor', 'floor-defaults']) {
      const r = load(name, side, c);
      const cpu = side === 'ours' ? oursCpu : floorCpu(name, side, c);
      const share = cpu !== undefined && cpu !== null && oursCpu ? `${fmt((cpu / oursCpu) * 100, 0)} %` : '-';
      out(`| ${label} | ${c} | ${side === 'ours' ? (process === 'auth' ? 'McpAspire auth server' : 'McpAspire MCP server') : serverNames[side]} | ${fmt(rps(r))}${failureNote(r)} | ${fmt(r?.p50_ms, 2)} | ${fmt(r?.p99_ms, 2)} | ${fmt(cpu, 2)} | ${share} | ${fmt(r?.loadavg, 2)} |`);
    }
  }
}
out();
const floorText = (name, c) => `floor at c=${c}: bare ${fmt(floorCpu(name, 'floor', c), 2)} ms, with the ServiceDefaults ${fmt(floorCpu(name, 'floor-defaults', c), 2)} ms`;

// 4: the dance.
const dance = read('dance-ours.json');
const peerDance = read('dance-peer.json');
out(`## The whole dance, p50 of ${dance?.runs ?? '-'} runs (after one warm-up run)`);
out();
out('| step | McpAspire p50 ms | p90 ms | oidc-provider p50 ms |');
out('| --- | ---: | ---: | ---: |');
for (const step of ['discover', 'register', 'authorize', 'token', 'first_tool_call', 'total']) {
  out(`| ${step.replace(/_/g, ' ')} | ${fmt(dance?.[step]?.p50_ms)} | ${fmt(dance?.[step]?.p90_ms)} | ${step === 'first_tool_call' ? 'n/a' : fmt(peerDance?.[step]?.p50_ms)} |`);
}
out();
out('McpAspire\'s discover starts from the MCP server\'s 401 (protected resource metadata, then RFC 8414 metadata); authorize is the login and consent forms; the first tool call is initialize + list_jobs. oidc-provider has no MCP server: its discover is OpenID discovery and it stops after the token.');
out();

// 5: memory.
const memory = read('memory.json') ?? [];
out('## Resident memory (from /proc)');
out();
out('| process | peak during load MB (VmHWM) | after load MB (VmRSS, 5 s idle) |');
out('| --- | ---: | ---: |');
for (const m of memory) out(`| ${m.service} | ${fmt(m.peak_mb, 0)} | ${fmt(m.after_mb, 0)} |`);
out();

// 6 and the targets.
const startup = read('startup.json');
const all = (values) => (values.length === 0 || values.some((v) => v === undefined) ? undefined : values.every(Boolean));
const ourServices = memory.filter((m) => m.target);
const intro16 = load('introspect', 'ours', 16);
out('## Targets');
out();
out('| target | measured | verdict |');
out('| --- | --- | --- |');
const ratioText = (name) => (ratios[name] ?? []).map((r, i) => `c=${sideBySide.find(([, n]) => n === name)[2][i]}: ${r === undefined ? '-' : `${fmt(r, 2)}×`}`).join(', ');
const ratioAt = (name, c) => ratios[name]?.[(sideBySide.find(([, n]) => n === name)?.[2] ?? []).indexOf(c)];
const get16 = ceiling('get', 16);
const introShare16 = shares.introspect?.[16];
out(`| introspection ≥ 60 % of the GetItem ceiling at c=16 | ${introShare16 === undefined ? '-' : `${fmt(introShare16 * 100, 0)} %`} (${fmt(rps(intro16))} of ${fmt(rps(get16))} req/s) | ${verdict(introShare16 === undefined ? undefined : introShare16 >= 0.6 && failures(intro16) === 0)} |`);
out(`| introspection p99 at c=16 ≤ 2× GetItem's p99 | ${fmt(intro16?.p99_ms, 2)} ms vs ${fmt(get16?.p99_ms, 2)} ms | ${verdict(intro16 && get16 ? intro16.p99_ms <= 2 * get16.p99_ms && failures(intro16) === 0 : undefined)} |`);
const introCpu = intro16?.cpu_ms_per_request?.auth;
out(`| auth-server CPU per introspection ≤ 0.25 ms (c=16) | ${fmt(introCpu, 2)} ms (${floorText('introspect', 16)}) | ${verdict(introCpu === undefined || introCpu === null ? undefined : introCpu <= 0.25)} |`);
const cc16 = ratioAt('token-cc', 16);
const refresh16 = ratioAt('token-refresh', 16);
out(`| client_credentials ≥ 0.25× oidc-provider at c=16 | ${cc16 === undefined ? '-' : `${fmt(cc16, 2)}×`} (c=1: ${ratioAt('token-cc', 1) === undefined ? '-' : `${fmt(ratioAt('token-cc', 1), 2)}×`}) | ${verdict(cc16 === undefined ? undefined : cc16 >= 0.25)} |`);
out(`| refresh_token ≥ 0.2× oidc-provider at c=16 | ${refresh16 === undefined ? '-' : `${fmt(refresh16, 2)}×`} (c=1: ${ratioAt('token-refresh', 1) === undefined ? '-' : `${fmt(ratioAt('token-refresh', 1), 2)}×`}) | ${verdict(refresh16 === undefined ? undefined : refresh16 >= 0.2)} |`);
const mcpCpu = (meta.mcp_connections ?? [1, 16]).map((c) => load('mcp-call', 'ours', c)?.cpu_ms_per_request?.mcp);
out(`| MCP server CPU per tools/call ≤ 1 ms | ${mcpCpu.map((v, i) => `c=${(meta.mcp_connections ?? [1, 16])[i]}: ${fmt(v, 2)} ms`).join(', ')} (${floorConnections.map((c) => floorText('mcp-call', c)).join('; ')}) | ${verdict(all(mcpCpu.map((v) => (v === undefined || v === null ? undefined : v <= 1))))} |`);
const counters1 = read('mcp-counters-ours-c1.json');
const call1 = load('mcp-call', 'ours', 1);
// All three p50s from the MCP server's own metrics, in the same (observed) load.
const seen1 = counters1?.tools_call_p50_ms;
const parts1 = counters1 ? counters1.introspection_p50_ms + counters1.jenkins_p50_ms : undefined;
const others1 = Object.entries(counters1?.other_calls_p50_ms ?? {}).map(([port, ms]) => `${fmt(ms, 2)} ms to port ${port}`).join(', ');
out(`| tools/call p50 at c=1 ≤ 1.3× (its introspection p50 + its Jenkins p50, as the MCP server sees them) | ${fmt(seen1, 2)} ms vs ${fmt(parts1, 2)} ms = ${seen1 && parts1 ? `${fmt(seen1 / parts1, 2)}×` : '-'} (wrk's p50 ${fmt(call1?.p50_ms, 2)} ms${others1 ? `; its other calls: ${others1}` : ''}) | ${verdict(seen1 && parts1 ? seen1 <= 1.3 * parts1 && (!call1 || failures(call1) === 0) : undefined)} |`);
out(`| whole dance p50 < 250 ms | ${fmt(dance?.total?.p50_ms)} ms | ${verdict(dance ? dance.total.p50_ms < 250 : undefined)} |`);
out(`| start-up (AppHost start to every resource healthy, after a build) < 30 s | ${fmt(startup?.seconds)} s | ${verdict(startup ? startup.seconds < 30 : undefined)} |`);
out(`| each service < 250 MB resident | ${ourServices.map((m) => `${m.service} ${fmt(m.peak_mb, 0)}`).join(', ') || '-'} MB peak | ${verdict(ourServices.length ? ourServices.every((m) => m.peak_mb < 250) : undefined)} |`);
out();
if (startup?.build_seconds !== undefined) out(`Release build before the start-up measurement: ${fmt(startup.build_seconds)} s.`);

console.log(lines.join('\n'));
