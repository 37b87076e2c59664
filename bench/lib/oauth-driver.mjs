// The harness's OAuth client: walks the MCP authorization dance against McpAspire or the peer the way a
// real client does (discovery, RFC 7591 registration, authorization code with PKCE S256 through the
// server's own HTML login and consent forms, code exchange, MCP tool call), timing every step.
// Written by hand because the benchmark needs per-step timings and several independent sign-ins in one
// process; Node's fetch keeps process start-up out of the figures.
//
// Usage (all output is JSON on stdout; secrets come from the environment, never from arguments):
//   node oauth-driver.mjs dance        --mcp URL --runs N         (BENCH_USER, BENCH_PASSWORD)
//   node oauth-driver.mjs peer-dance   --issuer URL --runs N
//   node oauth-driver.mjs refresh-pool --issuer URL --count N [--mcp URL] --out FILE  (ours: BENCH_USER, BENCH_PASSWORD)
//   node oauth-driver.mjs cc-client    --mcp URL --out FILE         (BENCH_USER, BENCH_PASSWORD: the administrator)
//   node oauth-driver.mjs user-token   --mcp URL | --issuer URL --out FILE           (BENCH_USER, BENCH_PASSWORD)
//   node oauth-driver.mjs mcp-session  --mcp URL --out FILE      (BENCH_ACCESS_TOKEN)
import { createHash, randomBytes } from 'node:crypto';
import { writeFileSync } from 'node:fs';
import { performance } from 'node:perf_hooks';

const REDIRECT_URI = 'http://127.0.0.1:47999/callback'; // never listened on: the driver reads the redirect itself
const MCP_PROTOCOL_VERSION = '2025-06-18';
const args = parseArgs(process.argv.slice(2));

class DanceError extends Error {}

function parseArgs(argv) {
  const [command, ...rest] = argv;
  const options = { command };
  for (let i = 0; i < rest.length; i += 2) {
    if (!rest[i].startsWith('--') || rest[i + 1] === undefined) throw new Error(`bad argument ${rest[i]}`);
    options[rest[i].slice(2)] = rest[i + 1];
  }
  return options;
}

function env(name) {
  const value = process.env[name];
  if (!value) throw new DanceError(`environment variable ${name} is required`);
  return value;
}

const base64url = (buffer) => buffer.toString('base64url');
const basic = (id, secret) => 'Basic ' + Buffer.from(`${encodeURIComponent(id)}:${encodeURIComponent(secret)}`).toString('base64');

// A browser's cookie jar, just enough for one sign-in: name=value per host, no expiry handling.
class CookieJar {
  #cookies = new Map();
  store(response) {
    for (const header of response.headers.getSetCookie()) {
      const [pair] = header.split(';');
      const index = pair.indexOf('=');
      this.#cookies.set(pair.slice(0, index).trim(), pair.slice(index + 1).trim());
    }
  }
  header() {
    return [...this.#cookies].map(([name, value]) => `${name}=${value}`).join('; ');
  }
}

async function http(url, { method = 'GET', headers = {}, body, jar } = {}) {
  const response = await fetch(url, {
    method,
    headers: { ...headers, ...(jar ? { cookie: jar.header() } : {}) },
    body,
    redirect: 'manual',
  });
  jar?.store(response);
  return response;
}

async function json(response, what) {
  const text = await response.text();
  if (!response.ok) throw new DanceError(`${what}: HTTP ${response.status} ${text.slice(0, 300)}`);
  try {
    return JSON.parse(text);
  } catch {
    throw new DanceError(`${what}: not JSON: ${text.slice(0, 200)}`);
  }
}

// --- HTML forms: the server's login and consent pages, filled in as a person would. ---

const decodeEntities = (text) => text
  .replace(/&amp;/g, '&').replace(/&lt;/g, '<').replace(/&gt;/g, '>').replace(/&quot;/g, '"')
  .replace(/&#x([0-9a-f]+);/gi, (_, hex) => String.fromCodePoint(parseInt(hex, 16)))
  .replace(/&#(\d+);/g, (_, dec) => String.fromCodePoint(Number(dec)));

function attributes(tag) {
  const result = {};
  for (const match of tag.matchAll(/([^\s=<>"'/]+)(?:\s*=\s*(?:"([^"]*)"|'([^']*)'|([^\s>]+)))?/g)) {
    result[match[1].toLowerCase()] = decodeEntities(match[2] ?? match[3] ?? match[4] ?? '');
  }
  return result;
}

const APPROVE = /allow|accept|approve|authori[sz]e|consent|grant|yes|continue|sign[ -]?in|log[ -]?in|submit/i;
const REFUSE = /deny|cancel|reject|abort|refuse|decline|no thanks|sign[ -]?out|log[ -]?out/i;

function parseForms(html) {
  return [...html.matchAll(/<form\b([^>]*)>([\s\S]*?)<\/form>/gi)].map(([, formTag, inner]) => {
    const form = attributes(formTag);
    const inputs = [...inner.matchAll(/<input\b([^>]*)>/gi)].map(([, tag]) => attributes(tag));
    const buttons = [...inner.matchAll(/<button\b([^>]*)>([\s\S]*?)<\/button>/gi)]
      .map(([, tag, text]) => ({ ...attributes(tag), text: text.replace(/<[^>]+>/g, '').trim() }))
      .filter((button) => (button.type ?? 'submit').toLowerCase() === 'submit');
    for (const input of inputs) {
      if ((input.type ?? '').toLowerCase() === 'submit') buttons.push({ ...input, text: input.value ?? '' });
    }
    return { method: (form.method ?? 'get').toUpperCase(), action: form.action, inputs, buttons };
  });
}

function fillForm(html, pageUrl, user, password) {
  const forms = parseForms(html);
  const login = forms.find((form) => form.inputs.some((input) => (input.type ?? '').toLowerCase() === 'password'));
  const approving = (button) => APPROVE.test(`${button.text} ${button.value ?? ''} ${button.name ?? ''}`)
    && !REFUSE.test(`${button.text} ${button.value ?? ''}`);
  const form = login ?? forms.find((candidate) => candidate.buttons.some(approving))
    ?? forms.find((candidate) => candidate.method === 'POST');
  if (!form) throw new DanceError(`no form to submit on ${new URL(pageUrl).pathname}`);

  const fields = new URLSearchParams();
  for (const input of form.inputs) {
    const type = (input.type ?? 'text').toLowerCase();
    if (!input.name || type === 'submit' || type === 'button') continue;
    if (type === 'password') fields.append(input.name, password);
    else if ((type === 'text' || type === 'email') && /user|login|email|name|account/i.test(input.name) && !input.value) fields.append(input.name, user);
    else if ((type === 'checkbox' || type === 'radio') && !('checked' in input)) continue;
    else fields.append(input.name, input.value ?? (type === 'checkbox' ? 'on' : ''));
  }
  const button = form.buttons.find(approving) ?? form.buttons[0];
  if (button?.name) fields.append(button.name, button.value ?? '');
  return { method: form.method, url: new URL(form.action || pageUrl, pageUrl).href, body: fields };
}

// --- The steps of the dance. ---

async function discoverFromMcp(mcpUrl) {
  const challenge = await http(mcpUrl, {
    method: 'POST',
    headers: { 'content-type': 'application/json', accept: 'application/json, text/event-stream' },
    body: JSON.stringify({ jsonrpc: '2.0', id: 0, method: 'tools/list' }),
  });
  await challenge.arrayBuffer();
  if (challenge.status !== 401) throw new DanceError(`MCP server without a token: expected 401, got ${challenge.status}`);
  // The challenge's resource_metadata when present; else the RFC 9728 well-known URIs (path-inserted,
  // then root), as the MCP authorization specification tells clients to try.
  const named = /resource_metadata="([^"]+)"/.exec(challenge.headers.get('www-authenticate') ?? '')?.[1];
  const mcp = new URL(mcpUrl);
  const candidates = named ? [named] : [
    `${mcp.origin}/.well-known/oauth-protected-resource${mcp.pathname === '/' ? '' : mcp.pathname}`,
    `${mcp.origin}/.well-known/oauth-protected-resource`,
  ];
  let resource;
  for (const candidate of candidates) {
    const response = await http(candidate);
    if (response.ok) {
      resource = await json(response, 'protected resource metadata');
      break;
    }
    await response.arrayBuffer();
  }
  if (!resource) throw new DanceError(`no protected resource metadata at ${candidates.join(' or ')}`);
  const issuer = resource.authorization_servers?.[0];
  if (!issuer) throw new DanceError('protected resource metadata names no authorization server');
  const metadata = await discoverIssuer(issuer, 'oauth-authorization-server');
  return { resource: resource.resource ?? mcpUrl, metadata };
}

async function discoverIssuer(issuer, wellKnown) {
  const url = new URL(issuer);
  const path = url.pathname === '/' ? '' : url.pathname;
  return json(await http(`${url.origin}/.well-known/${wellKnown}${path}`), `authorization server metadata (${wellKnown})`);
}

async function register(metadata, { authMethod, grantTypes, scope }) {
  if (!metadata.registration_endpoint) throw new DanceError('authorization server metadata has no registration_endpoint');
  return json(await http(metadata.registration_endpoint, {
    method: 'POST',
    headers: { 'content-type': 'application/json', accept: 'application/json' },
    body: JSON.stringify({
      client_name: 'McpAspire benchmark',
      redirect_uris: grantTypes.includes('authorization_code') ? [REDIRECT_URI] : [],
      grant_types: grantTypes,
      response_types: grantTypes.includes('authorization_code') ? ['code'] : [],
      token_endpoint_auth_method: authMethod,
      scope,
    }),
  }), 'client registration');
}

// A person's browser from startUrl on: follows redirects and fills in the server's forms (sign-in with
// BENCH_USER / BENCH_PASSWORD, consent) until arrived() returns something for a redirect ({ redirect }) or a
// page ({ url, html }); that is the result. One cookie jar, so the session cookie lasts the whole walk.
async function browse(startUrl, arrived, what) {
  const user = env('BENCH_USER');
  const password = env('BENCH_PASSWORD');
  const jar = new CookieJar();
  let request = { method: 'GET', url: startUrl };
  for (let step = 0; step < 12; step++) {
    const response = await http(request.url, {
      method: request.method,
      jar,
      ...(request.body ? { headers: { 'content-type': 'application/x-www-form-urlencoded' }, body: request.body.toString() } : {}),
    });
    const location = response.headers.get('location');
    if (response.status >= 300 && response.status < 400 && location) {
      await response.arrayBuffer();
      const next = new URL(location, request.url);
      const result = arrived({ redirect: next });
      if (result !== undefined) return { result, jar };
      request = { method: 'GET', url: next.href };
      continue;
    }
    const html = await response.text();
    if (response.status !== 200) throw new DanceError(`${what} step ${new URL(request.url).pathname}: HTTP ${response.status} ${html.slice(0, 200)}`);
    const result = arrived({ url: new URL(request.url), html });
    if (result !== undefined) return { result, jar };
    request = fillForm(html, request.url, user, password);
  }
  throw new DanceError(`${what} did not finish within 12 steps`);
}

async function authorize(metadata, client, { scope, resource, extra = {} }) {
  const verifier = base64url(randomBytes(32));
  const state = base64url(randomBytes(16));
  const query = new URLSearchParams({
    response_type: 'code',
    client_id: client.client_id,
    redirect_uri: REDIRECT_URI,
    scope,
    state,
    code_challenge: base64url(createHash('sha256').update(verifier).digest()),
    code_challenge_method: 'S256',
    ...(resource ? { resource } : {}),
    ...extra,
  });
  const { result } = await browse(`${metadata.authorization_endpoint}?${query}`, ({ redirect }) => {
    if (!redirect?.href.startsWith(REDIRECT_URI)) return undefined;
    const error = redirect.searchParams.get('error');
    if (error) throw new DanceError(`authorization refused: ${error} ${redirect.searchParams.get('error_description') ?? ''}`);
    if (redirect.searchParams.get('state') !== state) throw new DanceError('authorization response state does not match');
    return { code: redirect.searchParams.get('code'), verifier };
  }, 'authorization');
  return result;
}

// The text of the element with that id (no nested elements), entities decoded.
function elementText(html, id) {
  const match = new RegExp(`<([a-z0-9]+)\\b[^>]*\\bid\\s*=\\s*["']${id}["'][^>]*>([^<]*)</\\1>`, 'i').exec(html);
  return match ? decodeEntities(match[2]).trim() : undefined;
}

// A client_credentials client at McpAspire: registration refuses that grant, so the administrator creates a
// "machine client" on the auth server's admin page, as a person would: sign in (BENCH_USER must be the
// administrator), then the page's create form (name, scope, its antiforgery token).
async function createMachineClient(metadata, { name, scopes }) {
  // At the auth server itself (the issuer may be the MCP server's URL, whose metadata the MCP server forwards).
  const page = new URL('/admin/machine-clients', metadata.authorization_endpoint);
  const { result: html, jar } = await browse(page.href, ({ url, html }) => (url?.pathname === page.pathname ? html : undefined), 'admin sign-in');
  // The page has two forms (create, delete), each with the same antiforgery token: the first one's.
  const antiforgery = parseForms(html).flatMap((form) => form.inputs).find((input) => input.name === '__RequestVerificationToken')?.value;
  if (!antiforgery) throw new DanceError(`${page.pathname}: no antiforgery token (is BENCH_USER the administrator?)`);
  const body = new URLSearchParams({ name, __RequestVerificationToken: antiforgery });
  for (const scope of scopes) body.append('scope', scope);
  const created = await http(`${page.href}?handler=create`, {
    method: 'POST',
    jar,
    headers: { 'content-type': 'application/x-www-form-urlencoded' },
    body: body.toString(),
  });
  const text = await created.text();
  if (created.status !== 200) throw new DanceError(`creating a machine client: HTTP ${created.status} ${elementText(text, 'admin-error') ?? text.slice(0, 200)}`);
  const client = { client_id: elementText(text, 'created-client-id'), client_secret: elementText(text, 'created-client-secret') };
  if (!client.client_id || !client.client_secret) throw new DanceError('the machine clients page showed no created client id and secret');
  return client;
}

function clientAuth(client) {
  return client.client_secret
    ? { headers: { authorization: basic(client.client_id, client.client_secret) }, body: {} }
    : { headers: {}, body: { client_id: client.client_id } };
}

async function token(metadata, client, parameters) {
  const auth = clientAuth(client);
  return json(await http(metadata.token_endpoint, {
    method: 'POST',
    headers: { 'content-type': 'application/x-www-form-urlencoded', accept: 'application/json', ...auth.headers },
    body: new URLSearchParams({ ...parameters, ...auth.body }).toString(),
  }), `token (${parameters.grant_type})`);
}

// MCP over Streamable HTTP: a JSON-RPC answer comes as JSON or as one SSE event.
async function mcpPost(mcpUrl, accessToken, message, sessionId) {
  const response = await http(mcpUrl, {
    method: 'POST',
    headers: {
      'content-type': 'application/json',
      accept: 'application/json, text/event-stream',
      authorization: `Bearer ${accessToken}`,
      'mcp-protocol-version': MCP_PROTOCOL_VERSION,
      ...(sessionId ? { 'mcp-session-id': sessionId } : {}),
    },
    body: JSON.stringify(message),
  });
  const text = await response.text();
  if (!response.ok) throw new DanceError(`MCP ${message.method}: HTTP ${response.status} ${text.slice(0, 200)}`);
  if (message.id === undefined) return { sessionId: response.headers.get('mcp-session-id') ?? sessionId };
  const payload = (response.headers.get('content-type') ?? '').includes('text/event-stream')
    ? text.split('\n').filter((line) => line.startsWith('data:')).map((line) => line.slice(5).trim()).find((data) => data.includes('"jsonrpc"'))
    : text;
  const answer = JSON.parse(payload ?? 'null');
  if (!answer || answer.error) throw new DanceError(`MCP ${message.method}: ${JSON.stringify(answer?.error ?? 'no answer')}`);
  return { result: answer.result, sessionId: response.headers.get('mcp-session-id') ?? sessionId };
}

async function mcpSession(mcpUrl, accessToken) {
  const init = await mcpPost(mcpUrl, accessToken, {
    jsonrpc: '2.0', id: 1, method: 'initialize',
    params: { protocolVersion: MCP_PROTOCOL_VERSION, capabilities: {}, clientInfo: { name: 'mcpaspire-bench', version: '1.0.0' } },
  });
  await mcpPost(mcpUrl, accessToken, { jsonrpc: '2.0', method: 'notifications/initialized' }, init.sessionId);
  return { sessionId: init.sessionId ?? '', protocolVersion: init.result.protocolVersion ?? MCP_PROTOCOL_VERSION };
}

async function listJobs(mcpUrl, accessToken, sessionId) {
  const call = await mcpPost(mcpUrl, accessToken, { jsonrpc: '2.0', id: 2, method: 'tools/call', params: { name: 'list_jobs', arguments: {} } }, sessionId);
  if (call.result?.isError) throw new DanceError(`list_jobs failed: ${JSON.stringify(call.result.content).slice(0, 200)}`);
  return call.result;
}

// --- Commands. ---

async function timed(timings, name, work) {
  const start = performance.now();
  const result = await work();
  timings[name] = (timings[name] ?? 0) + performance.now() - start;
  return result;
}

async function oursDance(mcpUrl) {
  const t = {};
  const start = performance.now();
  const { resource, metadata } = await timed(t, 'discover', () => discoverFromMcp(mcpUrl));
  const client = await timed(t, 'register', () => register(metadata, { authMethod: 'none', grantTypes: ['authorization_code', 'refresh_token'], scope: 'mcp:read' }));
  const { code, verifier } = await timed(t, 'authorize', () => authorize(metadata, client, { scope: 'mcp:read', resource }));
  const tokens = await timed(t, 'token', () => token(metadata, client, { grant_type: 'authorization_code', code, code_verifier: verifier, redirect_uri: REDIRECT_URI, resource }));
  await timed(t, 'first_tool_call', async () => {
    const session = await mcpSession(mcpUrl, tokens.access_token);
    await listJobs(mcpUrl, tokens.access_token, session.sessionId);
  });
  t.total = performance.now() - start;
  return t;
}

async function peerDance(issuer) {
  const t = {};
  const start = performance.now();
  const metadata = await timed(t, 'discover', () => discoverIssuer(issuer, 'openid-configuration'));
  const client = await timed(t, 'register', () => register(metadata, { authMethod: 'none', grantTypes: ['authorization_code', 'refresh_token'], scope: 'openid mcp:read' }));
  const { code, verifier } = await timed(t, 'authorize', () => authorize(metadata, client, { scope: 'openid mcp:read' }));
  await timed(t, 'token', () => token(metadata, client, { grant_type: 'authorization_code', code, code_verifier: verifier, redirect_uri: REDIRECT_URI }));
  t.total = performance.now() - start;
  return t;
}

function summarize(runs) {
  const percentile = (values, p) => {
    const sorted = [...values].sort((a, b) => a - b);
    return sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)];
  };
  const summary = { runs: runs.length };
  for (const key of Object.keys(runs[0])) {
    const values = runs.map((run) => run[key]);
    summary[key] = { p50_ms: +percentile(values, 50).toFixed(1), p90_ms: +percentile(values, 90).toFixed(1), max_ms: +Math.max(...values).toFixed(1) };
  }
  return summary;
}

async function repeat(count, once) {
  await once(); // warm-up run, not counted: the first JIT compilation is start-up, measured elsewhere
  const runs = [];
  for (let i = 0; i < count; i++) runs.push(await once());
  return summarize(runs);
}

async function issuerMetadata() {
  if (args.mcp) return discoverFromMcp(args.mcp);
  return { resource: undefined, metadata: await discoverIssuer(args.issuer, 'openid-configuration') };
}

function writeSecretFile(path, lines) {
  writeFileSync(path, lines.join('\n') + '\n', { mode: 0o600 });
}

async function main() {
  const count = (name, fallback) => {
    const value = Number(args[name] ?? fallback);
    if (!Number.isInteger(value) || value < 1 || value > 100000) throw new DanceError(`--${name} must be a positive integer`);
    return value;
  };
  switch (args.command) {
    case 'dance':
      return repeat(count('runs', 20), () => oursDance(args.mcp));
    case 'peer-dance':
      return repeat(count('runs', 20), () => peerDance(args.issuer));
    case 'refresh-pool': {
      // One confidential client (client_secret_basic) and N refresh tokens, each from its own sign-in,
      // so that every load connection can follow its own rotation chain.
      const { resource, metadata } = await issuerMetadata();
      const scope = args.mcp ? 'mcp:read offline_access' : 'openid mcp:read offline_access';
      const client = await register(metadata, { authMethod: 'client_secret_basic', grantTypes: ['authorization_code', 'refresh_token'], scope });
      const lines = [basic(client.client_id, client.client_secret)];
      for (let i = 0; i < count('count', 16); i++) {
        const { code, verifier } = await authorize(metadata, client, { scope, resource, extra: args.mcp ? {} : { prompt: 'consent' } });
        const tokens = await token(metadata, client, { grant_type: 'authorization_code', code, code_verifier: verifier, redirect_uri: REDIRECT_URI, ...(resource ? { resource } : {}) });
        if (!tokens.refresh_token) throw new DanceError('the code exchange returned no refresh_token (is offline_access granted?)');
        lines.push(tokens.refresh_token);
      }
      writeSecretFile(args.out, lines);
      return { client_id: client.client_id, refresh_tokens: lines.length - 1, token_endpoint: metadata.token_endpoint };
    }
    case 'cc-client': {
      const { metadata } = await issuerMetadata();
      const client = await createMachineClient(metadata, { name: 'McpAspire benchmark', scopes: ['mcp:read'] });
      writeSecretFile(args.out, [basic(client.client_id, client.client_secret)]);
      return { client_id: client.client_id, token_endpoint: metadata.token_endpoint, introspection_endpoint: metadata.introspection_endpoint };
    }
    case 'user-token': {
      // A user's access token through the real flow (public client, PKCE): at McpAspire for the MCP server
      // (--mcp, then also an MCP session and a first list_jobs), or at the peer (--issuer).
      const { resource, metadata } = await issuerMetadata();
      const scope = args.mcp ? 'mcp:read' : 'openid mcp:read';
      const client = await register(metadata, { authMethod: 'none', grantTypes: ['authorization_code', 'refresh_token'], scope });
      const { code, verifier } = await authorize(metadata, client, { scope, resource });
      const tokens = await token(metadata, client, { grant_type: 'authorization_code', code, code_verifier: verifier, redirect_uri: REDIRECT_URI, ...(resource ? { resource } : {}) });
      if (!args.mcp) {
        writeSecretFile(args.out, [tokens.access_token]);
        return { token_type: tokens.token_type };
      }
      const session = await mcpSession(args.mcp, tokens.access_token);
      await listJobs(args.mcp, tokens.access_token, session.sessionId);
      writeSecretFile(args.out, [tokens.access_token, session.sessionId, session.protocolVersion]);
      return { session: session.sessionId !== '', protocol_version: session.protocolVersion };
    }
    case 'mcp-session': {
      // initialize (+ notifications/initialized) and one list_jobs with BENCH_ACCESS_TOKEN; the session id
      // (empty for a stateless server) and the negotiated protocol version go to --out.
      const accessToken = env('BENCH_ACCESS_TOKEN');
      const session = await mcpSession(args.mcp, accessToken);
      await listJobs(args.mcp, accessToken, session.sessionId);
      writeSecretFile(args.out, [session.sessionId, session.protocolVersion]);
      return { session: session.sessionId !== '', protocol_version: session.protocolVersion };
    }
    default:
      throw new DanceError(`unknown command ${args.command}`);
  }
}

main().then(
  (result) => console.log(JSON.stringify(result)),
  (error) => {
    console.error(`oauth-driver ${args.command}: ${error instanceof DanceError ? error.message : error.stack}`);
    process.exit(1);
  },
);
