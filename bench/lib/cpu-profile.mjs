// Summarises a CPU profile taken with `perf record -g` of one .NET service (started with DOTNET_PerfMapEnabled=1
// so perf can name JIT-compiled frames), read from `perf script -F comm,tid,ip,sym,dso` on stdin.
// Every sample is a moment the process was on a CPU, so shares are shares of CPU time, not of wall time.
// Two views: self (the group of the frame nearest the top of the stack that belongs to one) and inclusive
// (every group anywhere on the stack: a call wrapping others, like a resilience pipeline, counts their time).
// Usage: perf script ... | node cpu-profile.mjs [TOP]   -> markdown on stdout
import { readFileSync } from 'node:fs';

const top = Number(process.argv[2] ?? 12);
const groups = [
  ['thread pool workers spinning before they sleep (sched_yield)', /sched_yield|LowLevelSpinWaiter|LowLevelLifoSemaphore/],
  ['client secret / password hashing (PBKDF2)', /Pbkdf2|Rfc2898|PasswordHasher/],
  ['DynamoDB calls (AWS SDK: marshalling, signing, credentials, retries)', /\[AWSSDK/],
  ['OpenIddict server (handlers, managers)', /\[OpenIddict\.(Server|Core)/],
  ['OpenIddict validation (introspection client, MCP server)', /\[OpenIddict\.Validation/],
  ['MCP C# SDK', /\[ModelContextProtocol/],
  ['JWT signing / verification, crypto', /IdentityModel|libcrypto|libssl|System\.Security\.Cryptography/],
  ['OpenTelemetry (traces, metrics, log export)', /\[OpenTelemetry/],
  ['Polly (HttpClient resilience pipeline)', /\[Polly/],
  ['logging', /\[Microsoft\.Extensions\.Logging/],
  ['System.Text.Json', /\[System\.Text\.Json\]/],
  ['HttpClient (outgoing HTTP)', /\[System\.Net\.Http\]/],
  ['dependency injection', /\[Microsoft\.Extensions\.DependencyInjection\]/],
  ['Kestrel (incoming HTTP)', /\[Microsoft\.AspNetCore\.Server\.Kestrel/],
  ['garbage collector', /WKS::|SVR::|gc_heap|GCHeap/],
  ['JIT compiler', /libclrjit/],
  ['kernel: sockets and TCP', /tcp_|inet_|epoll|sock_|__sys_sendto|__sys_recvfrom|skb|netif/],
];

const samples = readFileSync(0, 'utf8').split(/\n\s*\n/).map((s) => s.trim().split('\n')).filter((lines) => lines.length > 1);
const inclusive = new Map();
const self = new Map();
for (const lines of samples) {
  const frames = lines.slice(1);
  for (const [label, regex] of groups) if (frames.some((f) => regex.test(f))) inclusive.set(label, (inclusive.get(label) ?? 0) + 1);
  const nearest = frames.map((f) => groups.find(([, regex]) => regex.test(f))?.[0]).find(Boolean) ?? 'other (ASP.NET Core, runtime, BCL)';
  self.set(nearest, (self.get(nearest) ?? 0) + 1);
}

const pct = (n) => `${((100 * n) / samples.length).toFixed(1)} %`;
const lines = [`${samples.length} samples at 999 Hz.`, '', '| where the CPU went | self | inclusive |', '| --- | ---: | ---: |'];
for (const [label, count] of [...self].sort((a, b) => b[1] - a[1]).slice(0, top)) {
  lines.push(`| ${label} | ${pct(count)} | ${inclusive.has(label) ? pct(inclusive.get(label)) : '-'} |`);
}
console.log(lines.join('\n'));
