// The upstream identity provider of the federated sign-in tests: oidc-provider (a certified OpenID Provider) with one
// confidential client, the auth server, and static test accounts whose groups come as a JSON array, a single string,
// or not at all. Its own login form (no JavaScript, like a company's sign-in page); consent is implied, as a company
// provider grants its own first-party applications. In memory, for tests only.
//
// Environment (set by the test's AppHost): PORT, ISSUER (the URL the auth server and the browser reach it at),
// CLIENT_ID, CLIENT_SECRET, REDIRECT_URI (the auth server's callback), CONTROL_SECRET (for the test-only account
// endpoint below). Secrets are never printed.
import http from 'node:http';
import { createHash, generateKeyPairSync, randomBytes, timingSafeEqual } from 'node:crypto';
import Provider from 'oidc-provider';

const required = (name) => {
  const value = process.env[name];
  if (!value) {
    console.error(`upstream provider: environment variable ${name} is required`);
    process.exit(2);
  }
  return value;
};

const port = Number(required('PORT'));
const issuer = required('ISSUER').replace(/\/$/, '');
const controlSecret = Buffer.from(required('CONTROL_SECRET'));

// Accounts by login. The subject is an opaque id unrelated to the login, name or e-mail: the auth server must key
// users on it (and on the issuer) alone.
const accounts = new Map();
const setAccount = (login, account) => accounts.set(login, {
  ...account,
  sub: account.sub ?? `00u${createHash('sha256').update(login).digest('hex').slice(0, 17)}`,
});
setAccount('alice', { password: 'alice-password', claims: { name: 'Alice Example', preferred_username: 'alice', email: 'alice@example.test', email_verified: true, groups: ['developers', 'release-managers'] } });
setAccount('bob', { password: 'bob-password', claims: { name: 'Bob Example', preferred_username: 'bob', email: 'bob@example.test', email_verified: true, groups: 'developers' } });
setAccount('carol', { password: 'carol-password', claims: { name: 'Carol Example', email: 'carol@example.test', email_verified: true } });

const signingKey = generateKeyPairSync('rsa', { modulusLength: 2048 }).privateKey.export({ format: 'jwk' });

const provider = new Provider(issuer, {
  clients: [{
    client_id: required('CLIENT_ID'),
    client_secret: required('CLIENT_SECRET'),
    redirect_uris: [required('REDIRECT_URI')],
    grant_types: ['authorization_code'],
    response_types: ['code'],
    token_endpoint_auth_method: 'client_secret_basic',
  }],
  jwks: { keys: [{ ...signingKey, use: 'sig', alg: 'RS256', kid: 'upstream' }] },
  cookies: { keys: [randomBytes(32).toString('base64url')] },
  claims: {
    openid: ['sub'],
    profile: ['name', 'preferred_username'],
    email: ['email', 'email_verified'],
    groups: ['groups'],
  },
  scopes: ['openid', 'profile', 'email', 'groups'],
  findAccount: async (_ctx, id) => {
    const entry = [...accounts.values()].find((account) => account.sub === id);
    return entry && { accountId: id, claims: async () => ({ sub: id, ...entry.claims }) };
  },
  // Every request must carry a PKCE challenge (S256): the auth server's client must send one.
  pkce: { required: () => true },
  // A company provider does not ask its employees to consent to its own applications: the grant is what was asked.
  loadExistingGrant: async (ctx) => {
    const grant = new ctx.oidc.provider.Grant({ clientId: ctx.oidc.client.clientId, accountId: ctx.oidc.session.accountId });
    grant.addOIDCScope(ctx.oidc.params.scope);
    await grant.save();
    return grant;
  },
  features: { devInteractions: { enabled: false } },
  ttl: { AccessToken: 600, AuthorizationCode: 60, IdToken: 600, Grant: 600, Session: 3600, Interaction: 600 },
});

const escape = (text) => String(text).replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);
const page = (res, status, uid, error) => {
  res.writeHead(status, { 'content-type': 'text/html; charset=utf-8', 'cache-control': 'no-store' });
  res.end(`<!DOCTYPE html><html lang="en"><head><meta charset="utf-8"><title>Upstream sign-in</title></head><body>
<h1>Company sign-in</h1>${error ? `<p id="upstream-error">${escape(error)}</p>` : ''}
<form id="upstream-login" method="post" action="/interaction/${escape(uid)}/login">
<label for="login">Login</label><input id="login" name="login" autocomplete="username">
<label for="password">Password</label><input id="password" name="password" type="password">
<button id="upstream-submit" type="submit">Sign in</button></form></body></html>`);
};

const readBody = (req) => new Promise((resolve, reject) => {
  let body = '';
  req.setEncoding('utf8');
  req.on('data', (chunk) => { body += chunk; if (body.length > 65536) reject(new Error('body too large')); });
  req.on('end', () => resolve(body));
  req.on('error', reject);
});

const authorized = (req) => {
  const presented = Buffer.from((req.headers.authorization ?? '').replace(/^Bearer /, ''));
  return presented.length === controlSecret.length && timingSafeEqual(presented, controlSecret);
};

const callback = provider.callback();
const server = http.createServer(async (req, res) => {
  try {
    const path = new URL(req.url, issuer).pathname;
    let match;
    if (req.method === 'GET' && (match = path.match(/^\/interaction\/([\w-]+)$/))) {
      const details = await provider.interactionDetails(req, res);
      page(res, 200, details.uid);
      return;
    }

    if (req.method === 'POST' && (match = path.match(/^\/interaction\/([\w-]+)\/login$/))) {
      const details = await provider.interactionDetails(req, res);
      const form = new URLSearchParams(await readBody(req));
      const account = accounts.get(form.get('login') ?? '');
      if (!account || account.password !== form.get('password')) {
        page(res, 401, details.uid, 'Wrong login or password.');
        return;
      }
      await provider.interactionFinished(req, res, { login: { accountId: account.sub } }, { mergeWithLastSubmission: false });
      return;
    }

    // Test-only: creates or replaces an account (login, password, claims), so each test has its own people and can
    // change their groups between two sign-ins. Authenticated with CONTROL_SECRET.
    if (req.method === 'PUT' && (match = path.match(/^\/test\/accounts\/([\w.-]+)$/))) {
      if (!authorized(req)) {
        res.writeHead(401).end();
        return;
      }
      const account = JSON.parse(await readBody(req));
      const existing = accounts.get(match[1]);
      setAccount(match[1], { sub: existing?.sub ?? account.sub, password: account.password, claims: account.claims ?? {} });
      res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify({ sub: accounts.get(match[1]).sub }));
      return;
    }

    callback(req, res);
  } catch (error) {
    console.error(`upstream provider: ${error.name}: ${error.message}`);
    if (!res.headersSent) {
      res.writeHead(400, { 'content-type': 'text/plain' }).end(`${error.name}`);
    }
  }
});

// Loopback only, on both address families: Aspire's proxy in front of it may connect to either.
server.listen(port, '127.0.0.1', () => console.log(`upstream provider: ${issuer} (listening on loopback port ${port})`));
const server6 = http.createServer(server.listeners('request')[0]);
server6.on('error', () => { /* no IPv6 loopback here: IPv4 serves */ });
server6.listen(port, '::1');
for (const signal of ['SIGINT', 'SIGTERM']) {
  process.on(signal, () => { server6.close(); server.close(() => process.exit(0)); });
}
