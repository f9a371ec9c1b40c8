/**
 * Audit without a flush per request (issue 18): concurrent reads share the statement (and commit) that writes their
 * AuditEvents, yet nothing acknowledged is un-audited — a real server process killed with SIGKILL in the middle of a
 * read storm has an AuditEvent for every request it answered with 200.
 */
import { ChildProcess, spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import path from 'node:path';
import { Client, Pool } from 'pg';
import { mintScriptToken } from '../../server/src/admin/script-token';
import { AuditLog } from '../../server/src/audit/audit-log';
import type { AuditRecord } from '../../server/src/audit/audit-record';
import { TEMPLATE_DB, withDatabase } from '../support/test-databases';
import { startTestServer, TestServer } from '../support/test-server';

const ROOT = path.resolve(__dirname, '../..');
const BASE = 'http://iop-audit.test';

describe('group commit in one process', () => {
  let server: TestServer;
  beforeAll(async () => {
    server = await startTestServer();
  }, 60_000);
  afterAll(() => server.close());

  test('60 concurrent reads are audited, each once, in fewer statements than requests', async () => {
    const patient = (await server.http.post('/fhir/Patient').send({ resourceType: 'Patient', name: [{ family: 'Grouped' }] }).expect(201)).body.id;
    const reader = await server.as('system/Patient.rs');
    const responses = await Promise.all(Array.from({ length: 60 }, () => reader.get(`/fhir/Patient/${patient}`)));
    expect(responses.every((r) => r.status === 200)).toBe(true);
    const ids = responses.map((r) => r.headers['x-request-id'] as string);
    const { rows } = await server.pool.query<{ request_id: string; tx: string }>(`
      SELECT d->>'valueString' AS request_id, xmin::text AS tx FROM audit_event,
             jsonb_array_elements(content->'entity') e, jsonb_array_elements(e->'detail') d
       WHERE d->>'type' = 'request-id' AND d->>'valueString' = ANY($1::text[])`, [ids]);
    expect(rows.map((r) => r.request_id).sort()).toEqual([...ids].sort());
    // Rows written by one statement share its transaction id (xmin): several requests shared each commit.
    expect(new Set(rows.map((r) => r.tx)).size).toBeLessThan(ids.length);
  });

  test('text PostgreSQL cannot store (NUL, an unpaired surrogate) is stored as U+FFFD, and the other events of its statement are written', async () => {
    const log = new AuditLog(server.pool);
    const marker = `hostile-${randomBytes(4).toString('hex')}`;
    const record = (query: string): AuditRecord => ({
      kind: 'rest', subtype: 'search-type', action: 'E', outcome: '4', agent: { clientId: `c\u0000${marker}` },
      patients: [`p\uD800${marker}`], entities: [], query, requestId: marker,
    });
    await Promise.all([log.record(record(`GET Patient?name=a\u0000b&${marker}`)), log.record(record(`GET Patient?name=\uDC00x&${marker}`))]);
    const { rows } = await server.pool.query<{ query: string; client_id: string; patients: string[] }>(`
      SELECT e->>'description' AS query, client_id, patients FROM audit_event, jsonb_array_elements(content->'entity') e
       WHERE client_id LIKE '%' || $1 AND e ? 'query' ORDER BY 1`, [marker]);
    expect(rows.map((r) => r.query).sort()).toEqual([`GET Patient?name=a\uFFFDb&${marker}`, `GET Patient?name=\uFFFDx&${marker}`].sort());
    expect(rows.every((r) => r.client_id === `c\uFFFD${marker}` && r.patients[0] === `p\uFFFD${marker}`)).toBe(true);
  });
});

describe('a server killed with SIGKILL', () => {
  let database: string;
  let adminUrl: string;
  let child: ChildProcess | undefined;
  beforeAll(async () => {
    adminUrl = process.env.IOP_TEST_ADMIN_URL!;
    database = `iop_test_${randomBytes(6).toString('hex')}`;
    const admin = new Client({ connectionString: adminUrl });
    await admin.connect();
    await admin.query(`CREATE DATABASE ${database} TEMPLATE ${TEMPLATE_DB}`);
    await admin.end();
  });
  afterAll(async () => {
    if (child && child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
    const admin = new Client({ connectionString: adminUrl });
    await admin.connect();
    await admin.query(`DROP DATABASE IF EXISTS ${database} WITH (FORCE)`);
    await admin.end();
  });

  test('every read it acknowledged has its AuditEvent', async () => {
    const url = withDatabase(adminUrl, database);
    child = spawn(process.execPath, ['--import', 'tsx', 'server/src/main.ts'], {
      cwd: ROOT, env: { ...process.env, PORT: '0', BASE_URL: BASE, DATABASE_URL: url, DEMO: '0', AUTH: '', LOG_LEVEL: 'info', WORKERS: '1' },
      stdio: ['ignore', 'pipe', 'inherit'],
    });
    const port = await new Promise<number>((resolve, reject) => {
      let buffered = '';
      child!.stdout!.on('data', (chunk: Buffer) => {
        buffered = (buffered + chunk.toString()).slice(-8192);
        const match = /"port":(\d+)[^\n]*"iop-fhir listening"/.exec(buffered);
        if (match) resolve(Number(match[1]));
      });
      child!.on('exit', (code) => reject(new Error(`server exited with ${code} before listening`)));
    });
    child.stdout!.resume();
    const pool = new Pool({ connectionString: url, max: 2 });
    try {
      const admin = await mintScriptToken(pool, { baseUrl: BASE, clientId: 'audit-kill-admin', scope: 'system/*.cruds', seconds: 600, admin: true });
      const token = await mintScriptToken(pool, { baseUrl: BASE, clientId: 'audit-kill-reader', scope: 'system/Patient.rs', seconds: 600 });
      const origin = `http://127.0.0.1:${port}`;
      const created = await fetch(`${origin}/fhir/Patient`, {
        method: 'POST', headers: { Authorization: `Bearer ${admin}`, 'Content-Type': 'application/fhir+json' },
        body: JSON.stringify({ resourceType: 'Patient', name: [{ family: 'Killed' }] }),
      });
      const patient = ((await created.json()) as { id: string }).id;
      const acknowledged: string[] = [];
      let killed = false;
      const reader = async () => {
        while (!killed) {
          try {
            const res = await fetch(`${origin}/fhir/Patient/${patient}`, { headers: { Authorization: `Bearer ${token}` } });
            await res.arrayBuffer();
            if (res.status === 200 && !killed) acknowledged.push(res.headers.get('x-request-id')!);
          } catch {
            return; // the server is gone
          }
        }
      };
      const readers = Array.from({ length: 16 }, reader);
      while (acknowledged.length < 300) await new Promise((r) => setTimeout(r, 5));
      child.kill('SIGKILL'); // requests are in flight: some answered, some not
      killed = true;
      await Promise.all(readers);
      const { rows } = await pool.query<{ request_id: string }>(`
        SELECT d->>'valueString' AS request_id FROM audit_event,
               jsonb_array_elements(content->'entity') e, jsonb_array_elements(e->'detail') d
         WHERE d->>'type' = 'request-id' AND d->>'valueString' = ANY($1::text[])`, [acknowledged]);
      const audited = new Set(rows.map((r) => r.request_id));
      expect(acknowledged.length).toBeGreaterThanOrEqual(300);
      expect(acknowledged.filter((id) => !audited.has(id))).toEqual([]);
    } finally {
      await pool.end();
    }
  }, 180_000);
});
