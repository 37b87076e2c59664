// The official MCP TypeScript SDK client (@modelcontextprotocol/sdk, pinned in package.json) against the running
// AppHost, knowing only the /mcp URL: discovery from the 401, dynamic registration, authorization code with PKCE,
// token, then initialize, tools/list and a call of every tool, with the SDK's own output-schema validation (Ajv).
// The user's part (sign in, allow) is played over HTTP through the auth server's real login and consent forms.
//
// Input (environment): MCP_URL, MCP_USER, MCP_PASSWORD. Output: one JSON summary on stdout, progress on stderr.
// No token, code, verifier or password is ever printed.
import { randomUUID } from 'node:crypto';
import { createServer } from 'node:net';
import { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { StreamableHTTPClientTransport } from '@modelcontextprotocol/sdk/client/streamableHttp.js';
import { UnauthorizedError } from '@modelcontextprotocol/sdk/client/auth.js';

const mcpUrl = new URL(required('MCP_URL'));
const user = required('MCP_USER');
const password = required('MCP_PASSWORD');
const log = (message) => process.stderr.write(`${message}\n`);

/** The OAuth client provider: in-memory storage, and a "browser" that signs in over HTTP. */
class HeadlessOAuthProvider {
  #client;
  #tokens;
  #verifier;
  #state = randomUUID();

  constructor(redirectUrl) {
    this.redirect = redirectUrl;
    this.authorizationRequests = [];
    this.authorizationCode = undefined;
  }

  get redirectUrl() { return this.redirect; }

  get clientMetadata() {
    return {
      client_name: 'McpJenkinsServer TypeScript SDK test',
      redirect_uris: [this.redirect],
      grant_types: ['authorization_code', 'refresh_token'],
      response_types: ['code'],
      token_endpoint_auth_method: 'none',
    };
  }

  state() { return this.#state; }
  clientInformation() { return this.#client; }
  saveClientInformation(information) { this.#client = information; }
  tokens() { return this.#tokens; }
  saveTokens(tokens) { this.#tokens = tokens; }
  saveCodeVerifier(verifier) { this.#verifier = verifier; }
  codeVerifier() { return this.#verifier; }

  async redirectToAuthorization(authorizationUrl) {
    this.authorizationRequests.push(authorizationUrl);
    this.authorizationCode = await signIn(authorizationUrl, this.redirect, this.#state);
  }

  get grantedScope() { return this.#tokens?.scope; }
  get registeredClientId() { return this.#client?.client_id; }
}

/** Follows the authorization request through the login and consent forms, with cookies, to the loopback redirect. */
async function signIn(authorizationUrl, redirectUrl, expectedState) {
  const cookies = new Map();
  const send = async (url, init = {}) => {
    const headers = { ...(init.headers ?? {}) };
    if (cookies.size > 0) {
      headers.cookie = [...cookies].map(([name, value]) => `${name}=${value}`).join('; ');
    }
    const response = await fetch(url, { ...init, headers, redirect: 'manual' });
    for (const cookie of response.headers.getSetCookie()) {
      const [pair] = cookie.split(';');
      const separator = pair.indexOf('=');
      cookies.set(pair.slice(0, separator).trim(), pair.slice(separator + 1).trim());
    }
    return response;
  };

  let current = new URL(authorizationUrl);
  let response = await send(current);
  for (let step = 0; step < 20; step++) {
    const location = response.headers.get('location');
    if (location) {
      const target = new URL(location, current);
      if (target.origin + target.pathname === new URL(redirectUrl).origin + new URL(redirectUrl).pathname) {
        const error = target.searchParams.get('error');
        if (error) {
          throw new Error(`The auth server refused the authorization: ${error} ${target.searchParams.get('error_description') ?? ''}`);
        }
        if (target.searchParams.get('state') !== expectedState) {
          throw new Error('The redirect carried another state than the client sent.');
        }
        log('signed in; the code came back on the loopback redirect');
        return target.searchParams.get('code');
      }
      current = target;
      response = await send(current);
      continue;
    }

    const html = await response.text();
    if (!response.ok) {
      throw new Error(`The auth server answered ${response.status} at ${current.pathname}.`);
    }
    const form = readForm(html, current);
    if ('password' in form.fields) {
      log(`login form at ${current.pathname}`);
      form.fields.username = user;
      form.fields.password = password;
    } else if (form.id === 'consent-form') {
      log(`consent form at ${current.pathname}`);
      form.fields.decision = 'allow';
    } else {
      throw new Error(`No login or consent form at ${current.pathname}.`);
    }
    current = form.action;
    response = await send(current, {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: new URLSearchParams(form.fields).toString(),
    });
  }
  throw new Error('The sign-in did not reach the redirect URI.');
}

function readForm(html, page) {
  const match = /(<form\b[^>]*>)([\s\S]*?)<\/form>/i.exec(html);
  if (!match) {
    throw new Error(`No form at ${page.pathname}.`);
  }
  const action = attribute(match[1], 'action');
  const fields = {};
  for (const input of match[2].matchAll(/<input\b[^>]*>/gi)) {
    const name = attribute(input[0], 'name');
    if (name) {
      fields[decode(name)] = decode(attribute(input[0], 'value') ?? '');
    }
  }
  return { id: attribute(match[1], 'id'), action: action ? new URL(decode(action), page) : page, fields };
}

function attribute(tag, name) {
  return new RegExp(`\\s${name}="([^"]*)"`, 'i').exec(tag)?.[1];
}

function decode(text) {
  return text
    .replace(/&#x([0-9a-f]+);/gi, (_, hex) => String.fromCodePoint(parseInt(hex, 16)))
    .replace(/&#(\d+);/g, (_, decimal) => String.fromCodePoint(Number(decimal)))
    .replaceAll('&quot;', '"').replaceAll('&#39;', "'").replaceAll('&lt;', '<').replaceAll('&gt;', '>').replaceAll('&amp;', '&');
}

function required(name) {
  const value = process.env[name];
  if (!value) {
    throw new Error(`${name} is not set.`);
  }
  return value;
}

/** A loopback port nobody listens on now, as a native client picks for its redirect URI. */
function freePort() {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address();
      server.close(() => resolve(port));
    });
  });
}

async function connect(provider) {
  const client = new Client({ name: 'mcp-jenkins-typescript-sdk-test', version: '1.0.0' });
  await client.connect(new StreamableHTTPClientTransport(mcpUrl, { authProvider: provider }));
  return client;
}

/** Exchanges the code of the authorization the provider just completed, as the SDK's finishAuth does. */
async function finishAuthorization(provider) {
  const transport = new StreamableHTTPClientTransport(mcpUrl, { authProvider: provider });
  await transport.finishAuth(provider.authorizationCode);
  provider.authorizationCode = undefined;
  await transport.close();
}

async function main() {
  const provider = new HeadlessOAuthProvider(`http://127.0.0.1:${await freePort()}/callback`);

  // 1-6: the first connect meets the 401; the SDK discovers, registers and sends the user to authorize.
  let client;
  try {
    client = await connect(provider);
  } catch (error) {
    if (!(error instanceof UnauthorizedError) || !provider.authorizationCode) {
      throw error;
    }
    log('401 -> discovery, registration and authorization done; exchanging the code');
    await finishAuthorization(provider);
    client = await connect(provider);
  }
  log(`initialized: ${client.getServerVersion()?.name}`);

  // tools/list caches each tool's output-schema validator: every callTool below is checked by Ajv.
  const { tools } = await client.listTools();
  const called = {};
  const call = async (name, args = {}) => {
    let result;
    try {
      result = await client.callTool({ name, arguments: args });
    } catch (error) {
      // Step-up, as the SDK's users (Inspector, Claude Code) do it: the first token carries what the 401 named
      // (mcp:read); a write tool's 403 insufficient_scope sends the user to authorize the scope it names.
      if (!(error instanceof UnauthorizedError) || !provider.authorizationCode) {
        throw error;
      }
      log(`${name}: 403 insufficient_scope -> authorized again with the challenged scope`);
      await finishAuthorization(provider);
      await client.close();
      client = await connect(provider);
      await client.listTools();
      result = await client.callTool({ name, arguments: args });
    }
    if (result.isError) {
      throw new Error(`${name} failed: ${result.content?.[0]?.text}`);
    }
    called[name] = (called[name] ?? 0) + 1;
    log(`${name}: valid against its output schema`);
    return result.structuredContent;
  };

  await call('list_jobs');
  await call('list_jobs', { recursive: true, limit: 2 });
  await call('get_job', { job: 'backend' });
  await call('get_job', { job: 'deploy/deploy-shop' });
  await call('list_builds', { job: 'backend/payments-service', limit: 5 });
  await call('list_builds', { job: 'backend/payments-service', offset: 10 });
  await call('get_build', { job: 'backend/payments-service', build: 'lastCompletedBuild' });
  await call('get_build_log', { job: 'backend/payments-service', limit: 500 });
  await call('get_build_log', { job: 'backend/payments-service', tail: 5 });
  await call('search_build_log', { job: 'backend/payments-service', pattern: '^Finished: ' });
  await call('get_test_report', { job: 'backend/payments-service', failures_only: true });
  await call('list_nodes');
  await call('list_running_builds');
  await call('get_pipeline_stages', { job: 'frontend/web-app', build: 'lastCompletedBuild' });
  await call('get_stage_log', { job: 'frontend/web-app', build: 'lastCompletedBuild', stage: 'Install' });
  await call('list_artifacts', { job: 'backend/payments-service' });
  await call('read_artifact', { job: 'backend/payments-service', path: 'target/build-info.txt' });
  await call('get_jenkins_status');
  const me = await call('who_am_i');
  await call('get_queue');

  // A queue item to follow needs a queued build: the write tools, after the step-up to mcp:write.
  const queued = await call('trigger_build', { job: 'release-notes' });
  await call('get_queue_item', { id: queued.queueItemId });
  await call('cancel_queue_item', { id: queued.queueItemId });
  await call('get_queue_item', { id: queued.queueItemId });
  const started = await call('trigger_build', { job: 'nightly-db-backup', wait_for_start: true, wait_seconds: 90 });
  const running = await call('get_build', { job: 'nightly-db-backup', build: String(started.buildNumber) });
  await call('stop_build', { job: 'nightly-db-backup', build: started.buildNumber });
  await call('set_build_description', { job: 'nightly-db-backup', build: started.buildNumber, description: 'stopped by the TypeScript SDK test' });
  await call('replay_pipeline', { job: 'frontend/web-app', build: 'lastCompletedBuild' });
  const rebuilt = await call('rebuild', { job: 'deploy/deploy-shop', build: 'lastCompletedBuild' });
  await call('cancel_queue_item', { id: rebuilt.queueItemId });
  await client.close();

  const authorize = new URL(provider.authorizationRequests[0]);
  process.stdout.write(JSON.stringify({
    sdkClient: 'Client.callTool with output-schema validation',
    authorizations: provider.authorizationRequests.length,
    authorizationRequest: {
      codeChallengeMethod: authorize.searchParams.get('code_challenge_method'),
      hasCodeChallenge: Boolean(authorize.searchParams.get('code_challenge')),
      resource: authorize.searchParams.get('resource'),
      scope: authorize.searchParams.get('scope'),
      stepUpScope: provider.authorizationRequests[1] ? new URL(provider.authorizationRequests[1]).searchParams.get('scope') : null,
      clientIdIsRegistered: authorize.searchParams.get('client_id') === provider.registeredClientId,
    },
    grantedScope: provider.grantedScope,
    whoAmIClientIsRegistered: me.clientId === provider.registeredClientId,
    runningBuildResult: running.result,
    tools: tools.map((tool) => tool.name),
    toolsWithOutputSchema: tools.filter((tool) => tool.outputSchema).map((tool) => tool.name),
    called,
  }) + '\n');
}

main().catch((error) => {
  log(`FAILED: ${error?.stack ?? error}`);
  process.exit(1);
});
