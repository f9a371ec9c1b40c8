/**
 * `npm run admin -- <command> [--option value …]`: manage clients and users against the server's database
 * (same DATABASE_URL / DATA_DIR), whether or not the server is running. Run with no command for help.
 */
import '../polyfills';
import { readFileSync } from 'node:fs';
import type { JsonWebKey } from 'node:crypto';
import { verifyAuditChain } from '../audit/audit-chain';
import { AuditLog } from '../audit/audit-log';
import { readAuthSettings } from '../auth/auth-settings';
import { AuthServer } from '../auth/auth-server';
import { ClientRegistration, ClientType } from '../auth/clients';
import { readConfig } from '../config';
import { Repository } from '../store/repository';
import { FhirError } from '../errors';
import { openAdminDatabase } from './admin-database';
import { addClient, addUser, describeClient, describeUser, disableClient, disableUser, listClients, listUsers, mintBackendToken } from './admin-commands';

const HELP = `Usage: npm run admin -- <command> [options]

  add-client --id ID --type public --redirect-uri URI [--redirect-uri URI …] --scope "…" [--launch-uri URI] [--name NAME]
  add-client --id ID --type confidential-symmetric --redirect-uri URI --scope "…" [--secret SECRET]   (prints the secret)
  add-client --id ID --type confidential-asymmetric --redirect-uri URI --jwks FILE_OR_URL --scope "…"
  add-client --id ID --type backend --jwks FILE_OR_URL --scope "system/*.rs" [--admin]
             [--organization Organization/ID] [--purpose HPAYMT [--purpose TREAT …]]   (who it acts for, for 42 CFR Part 2 consents)
  list-clients
  disable-client --id ID
  add-user --username NAME --password PW --fhir-user Practitioner/ID|Patient/ID|RelatedPerson/ID [--admin]
  add-user --username NAME --password PW --admin
  list-users
  disable-user --username NAME   (their tokens stop working at once)
  verify-audit
  token --client BACKEND_CLIENT_ID [--scope "system/*.rs"] [--purpose HPAYMT] [--seconds N]   (prints an access token for scripts)

The database is DATABASE_URL, else the embedded PostgreSQL in DATA_DIR (default ./data).`;

type Options = Record<string, string[]>;

function parseArgs(argv: string[]): { command?: string; options: Options } {
  const [command, ...rest] = argv;
  const options: Options = {};
  for (let i = 0; i < rest.length; i++) {
    const arg = rest[i];
    if (!arg.startsWith('--')) throw new Error(`unexpected argument ${arg}`);
    const name = arg.slice(2);
    const value = rest[i + 1] !== undefined && !rest[i + 1].startsWith('--') ? rest[++i] : 'true';
    (options[name] ??= []).push(value);
  }
  return { command, options };
}

function one(options: Options, name: string, required = true): string | undefined {
  const value = options[name]?.[0];
  if (required && value === undefined) throw new Error(`--${name} is required`);
  return value;
}

/** --jwks: an http(s) URL is registered as jwks_uri; anything else is a file holding a JWKS or a single JWK. */
function jwksOption(value: string | undefined): Pick<ClientRegistration, 'jwks' | 'jwksUri'> {
  if (!value) return {};
  if (/^https?:\/\//.test(value)) return { jwksUri: value };
  const parsed = JSON.parse(readFileSync(value, 'utf8')) as { keys?: JsonWebKey[] } & JsonWebKey;
  const keys = (parsed.keys ?? [parsed]).map(({ d: _d, p: _p, q: _q, dp: _dp, dq: _dq, qi: _qi, ...publicPart }) => publicPart as JsonWebKey);
  return { jwks: { keys } };
}

async function main(argv: string[]): Promise<number> {
  const { command, options } = parseArgs(argv);
  if (!command || command === 'help' || options.help) {
    console.log(HELP);
    return command ? 0 : 1;
  }
  const database = await openAdminDatabase();
  const { pool } = database;
  try {
    switch (command) {
      case 'add-client': {
        const { client, secret } = await addClient(pool, {
          clientId: one(options, 'id')!, type: one(options, 'type') as ClientType, name: one(options, 'name', false),
          redirectUris: options['redirect-uri'] ?? [], scope: one(options, 'scope')!, secret: one(options, 'secret', false),
          launchUri: one(options, 'launch-uri', false), isAdmin: options.admin !== undefined, ...jwksOption(one(options, 'jwks', false)),
          organization: one(options, 'organization', false), purposes: options.purpose ?? [],
        });
        console.log(JSON.stringify({ ...describeClient(client), ...(secret ? { client_secret: secret } : {}) }, null, 2));
        return 0;
      }
      case 'list-clients':
        for (const c of await listClients(pool)) console.log(`${c.clientId}\t${c.type}${c.isAdmin ? ' (admin)' : ''}${c.disabled ? ' (disabled)' : ''}\t${c.allowedScopes.join(' ')}`);
        return 0;
      case 'disable-client':
        if (!(await disableClient(pool, one(options, 'id')!))) throw new Error('no such active client');
        console.log('disabled');
        return 0;
      case 'add-user': {
        const user = await addUser(pool, {
          username: one(options, 'username')!, password: one(options, 'password')!, fhirUser: one(options, 'fhir-user', false),
          isAdmin: options.admin !== undefined,
        });
        console.log(JSON.stringify(describeUser(user), null, 2));
        return 0;
      }
      case 'list-users':
        for (const u of await listUsers(pool)) console.log(`${u.username}\t${u.fhirUser ?? '-'}${u.isAdmin ? ' (admin)' : ''}${u.disabled ? ' (disabled)' : ''}`);
        return 0;
      case 'disable-user':
        if (!(await disableUser(pool, one(options, 'username')!))) throw new Error('no such active user');
        console.log('disabled');
        return 0;
      case 'verify-audit': {
        const result = await verifyAuditChain(new Repository(pool, { extractIndex: refuseIndexing }));
        console.log(JSON.stringify(result, null, 2));
        return result.valid ? 0 : 2;
      }
      case 'token': {
        const config = readConfig();
        const server = new AuthServer(pool, readAuthSettings(config.baseUrl), new AuditLog(pool));
        const seconds = one(options, 'seconds', false);
        const token = await mintBackendToken(server, one(options, 'client')!, one(options, 'scope', false) ?? '', seconds ? Number(seconds) : undefined, one(options, 'purpose', false));
        console.log(token.access_token);
        return 0;
      }
      default:
        console.error(`unknown command ${command}\n\n${HELP}`);
        return 1;
    }
  } finally {
    await database.close();
  }
}

/** The command line never writes resources, so it needs no search index extractor (and skips loading FHIR). */
function refuseIndexing(): never {
  throw new Error('the admin command line does not write FHIR resources');
}

main(process.argv.slice(2)).then(
  (code) => process.exit(code),
  (err) => {
    console.error(`admin: ${err instanceof FhirError ? err.message : (err as Error).message}`);
    process.exit(1);
  },
);
