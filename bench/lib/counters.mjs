// Reads a `dotnet-counters collect --format json` file taken from the MCP server during a tools/call load
// and measures, from the server's own metrics, how much of a tools/call is the introspection call:
// the p50 of the MCP server's outgoing requests to the auth server (System.Net.Http
// http.client.request.duration, by server.port) over the p50 of its incoming POSTs (Microsoft.AspNetCore.Hosting
// http.server.request.duration). dotnet-counters reports percentiles per interval; their median is used.
// Usage: node counters.mjs FILE AUTH_SERVER_PORT JENKINS_PORT   -> JSON on stdout
import { readFileSync } from 'node:fs';

const [file, authPort, jenkinsPort] = process.argv.slice(2);
let text = readFileSync(file, 'utf8').trim();
// A session cut short leaves the array open: close it.
if (!text.endsWith('}')) text = text.replace(/,\s*$/, '');
if (!text.endsWith(']}')) text += ']}';
const events = JSON.parse(text).Events ?? [];

const median = (values) => {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted.length ? sorted[Math.floor((sorted.length - 1) / 2)] : undefined;
};

// The p50 series of one instrument, for the tag set (other than Percentile) with the most intervals.
function p50(nameStart, filter) {
  const byTags = new Map();
  for (const event of events) {
    if (!event.name?.startsWith(nameStart) || !event.tags?.includes('Percentile=50') || !filter(event.tags)) continue;
    const key = event.tags.replace(/,?Percentile=50/, '');
    byTags.set(key, [...(byTags.get(key) ?? []), event.value * 1000]);
  }
  const [, values] = [...byTags].sort((a, b) => b[1].length - a[1].length)[0] ?? [];
  return values ? { p50_ms: +median(values).toFixed(2), intervals: values.length } : undefined;
}

const server = p50('http.server.request.duration', (tags) => tags.includes('http.request.method=POST'));
const introspection = p50('http.client.request.duration', (tags) => tags.includes(`server.port=${authPort}`));
const jenkins = p50('http.client.request.duration', (tags) => tags.includes(`server.port=${jenkinsPort}`));
// The MCP server's other outgoing calls (DynamoDB Local's port: the access policy read), by port: what else a
// tools/call waits for besides introspection and Jenkins.
const otherPorts = new Set(events.filter((e) => e.name?.startsWith('http.client.request.duration'))
  .map((e) => /server\.port=(\d+)/.exec(e.tags ?? '')?.[1]).filter((port) => port && port !== authPort && port !== jenkinsPort));
const others = Object.fromEntries([...otherPorts].map((port) => [port, p50('http.client.request.duration', (tags) => tags.includes(`server.port=${port}`))?.p50_ms]));
console.log(JSON.stringify({
  tools_call_p50_ms: server?.p50_ms,
  introspection_p50_ms: introspection?.p50_ms,
  jenkins_p50_ms: jenkins?.p50_ms,
  other_calls_p50_ms: others,
  introspection_share_pct: server && introspection ? +(100 * introspection.p50_ms / server.p50_ms).toFixed(1) : undefined,
  intervals: server?.intervals ?? 0,
}));
