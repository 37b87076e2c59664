// The benchmark's peer: oidc-provider (a certified OpenID/OAuth 2.0 server) configured like McpAspire's
// AuthServer where the benchmark compares them: opaque (reference) access tokens, client_secret_basic,
// introspection (RFC 7662) for an authenticated resource server, client credentials, refresh tokens,
// dynamic registration, PKCE. Its in-memory adapter is the store. Loopback only.
//
// Environment: PEER_PORT (required), PEER_RS_SECRET and PEER_CC_SECRET (the two seeded clients' secrets,
// required, never printed).
import { generateKeyPairSync, randomBytes } from 'node:crypto';
import Provider from 'oidc-provider';
// The library's own in-memory adapter and store, given a store large enough for a benchmark: the default
// one keeps only 1000 entries (clients, grants and tokens together), so a load of thousands of tokens
// would evict dynamically registered clients and refresh tokens mid-run.
import MemoryAdapter from 'oidc-provider/lib/adapters/memory_adapter.js';
import LRU from 'oidc-provider/lib/helpers/lru.js';

const required = (name) => {
  const value = process.env[name];
  if (!value) {
    console.error(`peer: environment variable ${name} is required`);
    process.exit(2);
  }
  return value;
};

const port = Number(required('PEER_PORT'));
const issuer = `http://127.0.0.1:${port}`;
const signingKey = generateKeyPairSync('rsa', { modulusLength: 2048 }).privateKey.export({ format: 'jwk' });

const store = new LRU({ maxSize: 50_000_000 });

const provider = new Provider(issuer, {
  adapter: (model) => new MemoryAdapter(model, store),
  clients: [
    {
      // The resource server that introspects, like McpAspire's seeded `mcp-server` client.
      client_id: 'mcp-server',
      client_secret: required('PEER_RS_SECRET'),
      grant_types: [],
      response_types: [],
      redirect_uris: [],
      token_endpoint_auth_method: 'client_secret_basic',
    },
    {
      // A confidential machine client, like the machine client the harness creates at McpAspire for client_credentials.
      client_id: 'bench-cc',
      client_secret: required('PEER_CC_SECRET'),
      grant_types: ['client_credentials'],
      response_types: [],
      redirect_uris: [],
      scope: 'mcp:read',
      token_endpoint_auth_method: 'client_secret_basic',
    },
  ],
  jwks: { keys: [{ ...signingKey, use: 'sig', alg: 'RS256', kid: 'bench' }] },
  cookies: { keys: [randomBytes(32).toString('base64url')] },
  scopes: ['openid', 'offline_access', 'mcp:read', 'mcp:write'],
  // Any account id signs in through the development interactions; the peer has no user store to compare.
  findAccount: async (_ctx, sub) => ({ accountId: sub, claims: async () => ({ sub }) }),
  features: {
    devInteractions: { enabled: true },
    clientCredentials: { enabled: true },
    introspection: { enabled: true },
    revocation: { enabled: true },
    registration: { enabled: true },
  },
  pkce: { required: () => true },
  // Refresh tokens rotate on every use, as McpAspire's do.
  rotateRefreshToken: true,
  ttl: {
    AccessToken: 3600,
    ClientCredentials: 3600,
    AuthorizationCode: 60,
    RefreshToken: 14 * 24 * 3600,
    Grant: 14 * 24 * 3600,
    Session: 8 * 3600,
    Interaction: 600,
  },
});

const server = provider.listen(port, '127.0.0.1', () => {
  console.log(`peer: oidc-provider listening on ${issuer}`);
});

const stop = () => server.close(() => process.exit(0));
process.on('SIGTERM', stop);
process.on('SIGINT', stop);
