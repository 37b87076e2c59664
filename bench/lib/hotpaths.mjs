// Summarises a dotnet-trace CPU profile (converted to speedscope JSON): of all the time the process spent on
// CPU, the share under each of a few frames that matter for an OAuth server (client secret hashing, the
// DynamoDB SDK, OpenIddict's stores and handlers, JSON, logging, telemetry export). dotnet-trace's
// sampled thread time marks each sample's leaf CPU_TIME when the thread was running; only those count.
// Usage: node hotpaths.mjs FILE.speedscope.json [TOP]   -> markdown on stdout
import { readFileSync } from 'node:fs';

const [file, topArg] = process.argv.slice(2);
const top = Number(topArg ?? 15);
const profile = JSON.parse(readFileSync(file, 'utf8'));
const frames = profile.shared.frames.map((frame) => frame.name);

const inclusive = new Map();
const self = new Map();
let cpu = 0;
for (const thread of profile.profiles) {
  const stack = [];
  let last;
  for (const event of thread.events ?? []) {
    if (last !== undefined && stack.length && frames[stack[stack.length - 1]] === 'CPU_TIME') {
      const dt = event.at - last;
      cpu += dt;
      for (const name of new Set(stack.map((index) => frames[index]))) inclusive.set(name, (inclusive.get(name) ?? 0) + dt);
      // Self time: the frame running when the sample was taken (the one under CPU_TIME).
      const leaf = stack.length > 1 ? frames[stack[stack.length - 2]] : 'CPU_TIME';
      self.set(leaf, (self.get(leaf) ?? 0) + dt);
    }
    last = event.at;
    if (event.type === 'O') stack.push(event.frame);
    else stack.pop();
  }
}

// Groups that answer "where does the CPU go", each the frames whose name matches.
const groups = [
  ['client secret hashing (PBKDF2)', /Rfc2898DeriveBytes\.Pbkdf2|Pbkdf2Core/],
  ['password hashing (PBKDF2, sign-in)', /PasswordHasher/],
  ['DynamoDB SDK calls (AWSSDK: marshalling, SigV4 signing, HTTP)', /^AWSSDK\.Core!Amazon\.Runtime\.Internal\.MetricsHandler\.InvokeAsync|^AWSSDK\.Core!Amazon\.Runtime\.Internal\.RuntimePipeline/],
  ['OpenIddict server pipeline', /^OpenIddict\.Server!OpenIddict\.Server\.OpenIddictServerDispatcher/],
  ['OpenIddict validation (MCP server)', /^OpenIddict\.Validation!/],
  ['token protection (Data Protection / JWT)', /DataProtection|JsonWebTokenHandler|ValidateIdentityModelToken|GenerateIdentityModelToken/],
  ['JSON (System.Text.Json)', /^System\.Text\.Json!/],
  ['logging', /^Microsoft\.Extensions\.Logging/],
  ['OpenTelemetry export', /^OpenTelemetry/],
  ['Kestrel and HTTP parsing', /^Microsoft\.AspNetCore\.Server\.Kestrel/],
  ['HttpClient (outgoing calls)', /^System\.Net\.Http!/],
  ['garbage collection', /GarbageCollect|gc_heap|WKS::|SVR::/],
];

const share = (regex) => {
  // The union of matching frames per sample is not recoverable from per-frame sums; the largest matching
  // frame is a lower bound that avoids double counting nested matches.
  let best = 0;
  for (const [name, time] of inclusive) if (regex.test(name)) best = Math.max(best, time);
  return cpu ? (100 * best) / cpu : 0;
};

const lines = ['| where the CPU went | share of CPU time |', '| --- | ---: |'];
for (const [label, regex] of groups) {
  const value = share(regex);
  if (value >= 0.5) lines.push(`| ${label} | ${value.toFixed(1)} % |`);
}
lines.push('', '<details><summary>top application frames (inclusive share of CPU time)</summary>', '', '| frame | share |', '| --- | ---: |');
const appFrames = [...inclusive]
  .filter(([name]) => /^(AuthServer|McpJenkinsServer|JenkinsMock|OpenIddict\.[A-Za-z]+|AWSSDK\.[A-Za-z0-9]+)!/.test(name) && !/MoveNext|AsyncStateMachineBox/.test(name))
  .sort((a, b) => b[1] - a[1])
  .slice(0, top);
for (const [name, time] of appFrames) lines.push(`| \`${name.slice(0, 140).replace(/\|/g, '\\|')}\` | ${((100 * time) / cpu).toFixed(1)} % |`);
lines.push('', '</details>', '', '<details><summary>top frames by self time (where the CPU actually ran)</summary>', '', '| frame | share |', '| --- | ---: |');
for (const [name, time] of [...self].sort((a, b) => b[1] - a[1]).slice(0, top)) {
  lines.push(`| \`${name.slice(0, 140).replace(/\|/g, '\\|')}\` | ${((100 * time) / cpu).toFixed(1)} % |`);
}
lines.push('', '</details>');
console.log(lines.join('\n'));
