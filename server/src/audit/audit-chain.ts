/**
 * The hash chain over audit_event, kept in audit_chain (migration 088). Inserting an event queues its seq in
 * audit_unsealed (a statement trigger); the sealer takes queued events in insertion order and gives each the next
 * chain position, the previous hash, and hash = sha256(previous hash + canonical JSON of the event's columns). Events
 * are never updated, so sealing costs one narrow insert per event. Sealing runs under an advisory lock (one sealer at
 * a time across replicas), every few seconds and before verification. Verification recomputes every hash: a changed,
 * deleted or reordered event breaks the chain at that position.
 */
import { createHash } from 'node:crypto';
import type { Repository } from '../store/repository';
import { raw, sql } from '../store/sql';

const SEAL_LOCK = 72_011_031;
const BATCH = 1000;
export const GENESIS_HASH = '0'.repeat(64);

/** An event's sealed columns (what its hash covers), with its seq. */
interface EventRow {
  seq: string;
  id: string;
  recorded: Date;
  type_code: string;
  action: string;
  outcome: string;
  agent: string | null;
  client_id: string | null;
  patients: string[];
  entities: string[];
  source_ip: string | null;
  content: unknown;
}

/** A chain link with its event; the event's columns are null when the event is gone. */
interface ChainRow extends Omit<EventRow, 'id'> {
  chain_pos: string;
  prev_hash: string;
  hash: string;
  id: string | null;
}

const EVENT_COLUMNS = 'e.seq, e.id, e.recorded, e.type_code, e.action, e.outcome, e.agent, e.client_id, e.patients, e.entities, e.source_ip, e.content';

/** JSON with object keys sorted at every level, so the same data always hashes the same. */
export function canonicalJson(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map(canonicalJson).join(',')}]`;
  if (value && typeof value === 'object' && !(value instanceof Date)) {
    const entries = Object.keys(value as object).sort().map((k) => `${JSON.stringify(k)}:${canonicalJson((value as Record<string, unknown>)[k])}`);
    return `{${entries.join(',')}}`;
  }
  return JSON.stringify(value instanceof Date ? value.toISOString() : value);
}

function rowHash(previous: string, row: EventRow): string {
  const { id, recorded, type_code, action, outcome, agent, client_id, patients, entities, source_ip, content } = row;
  const sealed = { id, recorded, type_code, action, outcome, agent, client_id, patients, entities, source_ip, content };
  return createHash('sha256').update(`${previous}\n${canonicalJson(sealed)}`, 'utf8').digest('hex');
}

/** Seals every unsealed event; returns how many. Another sealer holding the lock means nothing to do here. */
export async function sealAuditEvents(repo: Repository): Promise<number> {
  let total = 0;
  for (;;) {
    const sealed = await repo.transaction(sealBatch);
    total += sealed;
    if (sealed < BATCH) return total;
  }
}

async function sealBatch(tx: Repository): Promise<number> {
  const [lock] = await tx.query<{ locked: boolean }>(sql`SELECT pg_try_advisory_xact_lock(${SEAL_LOCK}) AS locked`);
  if (!lock.locked) return 0;
  const [last] = await tx.query<{ chain_pos: string; hash: string }>(sql`SELECT chain_pos, hash FROM audit_chain ORDER BY chain_pos DESC LIMIT 1`);
  const rows = await tx.query<EventRow>(sql`WITH taken AS (
      DELETE FROM audit_unsealed WHERE seq IN (SELECT seq FROM audit_unsealed ORDER BY seq LIMIT ${BATCH}) RETURNING seq)
    SELECT ${raw(EVENT_COLUMNS)} FROM taken JOIN audit_event e USING (seq) ORDER BY e.seq`);
  let previous = last?.hash ?? GENESIS_HASH;
  let position = Number(last?.chain_pos ?? 0);
  const seqs: string[] = [];
  const positions: number[] = [];
  const prevs: string[] = [];
  const hashes: string[] = [];
  for (const row of rows) {
    const hash = rowHash(previous, row);
    seqs.push(row.seq);
    positions.push(++position);
    prevs.push(previous);
    hashes.push(hash);
    previous = hash;
  }
  if (rows.length > 0) {
    await tx.query(sql`INSERT INTO audit_chain (chain_pos, seq, prev_hash, hash)
      SELECT * FROM unnest(${positions}::bigint[], ${seqs}::bigint[], ${prevs}::text[], ${hashes}::text[])`);
  }
  return rows.length;
}

export interface ChainVerification {
  valid: boolean;
  verified: number;
  /** The first chain position that does not verify, and why. */
  brokenAt?: number;
  problem?: string;
}

export async function verifyAuditChain(repo: Repository): Promise<ChainVerification> {
  await sealAuditEvents(repo);
  let previous = GENESIS_HASH;
  let expectedPosition = 1;
  let verified = 0;
  for (;;) {
    const rows = await repo.query<ChainRow>(
      sql`SELECT c.chain_pos, c.prev_hash, c.hash, ${raw(EVENT_COLUMNS)} FROM audit_chain c LEFT JOIN audit_event e ON e.seq = c.seq
           WHERE c.chain_pos >= ${expectedPosition} ORDER BY c.chain_pos LIMIT 5000`,
    );
    for (const row of rows) {
      const position = Number(row.chain_pos);
      if (position !== expectedPosition || row.id === null) return broken(verified, expectedPosition, `event at chain position ${expectedPosition} is missing`);
      if (row.prev_hash !== previous) return broken(verified, position, 'the previous-hash link does not match');
      if (row.hash !== rowHash(previous, row as EventRow)) return broken(verified, position, 'the event was changed after it was recorded');
      previous = row.hash;
      expectedPosition++;
      verified++;
    }
    if (rows.length < 5000) break;
  }
  // Events neither chained nor waiting in the queue (one written since the sealing above is still queued).
  const [orphans] = await repo.query<{ n: string }>(sql`SELECT count(*) AS n FROM audit_event e
    WHERE NOT EXISTS (SELECT 1 FROM audit_chain c WHERE c.seq = e.seq) AND NOT EXISTS (SELECT 1 FROM audit_unsealed u WHERE u.seq = e.seq)`);
  if (Number(orphans.n) > 0) return broken(verified, expectedPosition, 'events exist outside the chain');
  return { valid: true, verified };
}

function broken(verified: number, position: number, problem: string): ChainVerification {
  return { valid: false, verified, brokenAt: position, problem };
}
