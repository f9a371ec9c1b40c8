/**
 * The hash chain over audit_event, kept in audit_chain (migration 088). Inserting an event queues its seq in
 * audit_unsealed (a statement trigger); the sealer takes queued events in insertion order and appends a link to
 * audit_chain: the next position, the previous hash, and hash = sha256(previous hash + "\n" + the event's sealed
 * text). Events are never updated, so sealing costs one narrow insert per event. Sealing runs under an advisory lock
 * (one sealer at a time across replicas), every few seconds and before verification. Verification recomputes every
 * hash: a changed, deleted or reordered event breaks the chain at that position.
 *
 * Two link formats. 2 (every link sealed since migration 088): the sealed text is audit_event_sealed_text(), written
 * by PostgreSQL (the columns as a JSON array, then the content's jsonb text), so the sealer hashes it without parsing
 * the content. 1 (links sealed before): the canonical JSON this module builds from the event's columns.
 */
import { createHash } from 'node:crypto';
import type { Repository } from '../store/repository';
import { sql } from '../store/sql';

const SEAL_LOCK = 72_011_031;
const BATCH = 1000;
const VERIFY_PAGE = 5000;
export const GENESIS_HASH = '0'.repeat(64);

/** A chain link and what verifies it; the event's columns are null when the event is gone. */
interface ChainRow {
  chain_pos: string;
  prev_hash: string;
  hash: string;
  format: number;
  id: string | null;
  /** Format 2: the event's sealed text. */
  sealed: string | null;
  /** Format 1: the event's columns, hashed as canonical JSON. */
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

/** JSON with object keys sorted at every level, so the same data always hashes the same (format 1 links). */
export function canonicalJson(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map(canonicalJson).join(',')}]`;
  if (value && typeof value === 'object' && !(value instanceof Date)) {
    const entries = Object.keys(value as object).sort().map((k) => `${JSON.stringify(k)}:${canonicalJson((value as Record<string, unknown>)[k])}`);
    return `{${entries.join(',')}}`;
  }
  return JSON.stringify(value instanceof Date ? value.toISOString() : value);
}

function linkHash(previous: string, sealedText: string): string {
  return createHash('sha256').update(`${previous}\n${sealedText}`, 'utf8').digest('hex');
}

function formatOneText(row: ChainRow): string {
  const { id, recorded, type_code, action, outcome, agent, client_id, patients, entities, source_ip, content } = row;
  return canonicalJson({ id, recorded, type_code, action, outcome, agent, client_id, patients, entities, source_ip, content });
}

/** Seals every queued event; returns how many. Another sealer holding the lock means nothing to do here. */
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
  const rows = await tx.query<{ seq: string; sealed: string }>(sql`WITH taken AS (
      DELETE FROM audit_unsealed WHERE seq IN (SELECT seq FROM audit_unsealed ORDER BY seq LIMIT ${BATCH}) RETURNING seq)
    SELECT e.seq, audit_event_sealed_text(e) AS sealed FROM taken JOIN audit_event e USING (seq) ORDER BY e.seq`);
  let previous = last?.hash ?? GENESIS_HASH;
  let position = Number(last?.chain_pos ?? 0);
  const seqs: string[] = [];
  const positions: number[] = [];
  const prevs: string[] = [];
  const hashes: string[] = [];
  for (const row of rows) {
    const hash = linkHash(previous, row.sealed);
    seqs.push(row.seq);
    positions.push(++position);
    prevs.push(previous);
    hashes.push(hash);
    previous = hash;
  }
  if (rows.length > 0) {
    await tx.query(sql`INSERT INTO audit_chain (chain_pos, seq, prev_hash, hash, format)
      SELECT pos, seq, prev, hash, 2 FROM unnest(${positions}::bigint[], ${seqs}::bigint[], ${prevs}::text[], ${hashes}::text[]) AS v(pos, seq, prev, hash)`);
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
    const rows = await repo.query<ChainRow>(sql`
      SELECT c.chain_pos, c.prev_hash, c.hash, c.format, e.id,
             CASE WHEN c.format = 2 AND e.seq IS NOT NULL THEN audit_event_sealed_text(e) END AS sealed,
             e.recorded, e.type_code, e.action, e.outcome, e.agent, e.client_id, e.patients, e.entities, e.source_ip,
             CASE WHEN c.format = 1 THEN e.content END AS content
        FROM audit_chain c LEFT JOIN audit_event e ON e.seq = c.seq
       WHERE c.chain_pos >= ${expectedPosition} ORDER BY c.chain_pos LIMIT ${VERIFY_PAGE}`);
    for (const row of rows) {
      const position = Number(row.chain_pos);
      if (position !== expectedPosition || row.id === null) return broken(verified, expectedPosition, `event at chain position ${expectedPosition} is missing`);
      if (row.prev_hash !== previous) return broken(verified, position, 'the previous-hash link does not match');
      const text = row.format === 1 ? formatOneText(row) : row.sealed ?? '';
      if (row.hash !== linkHash(previous, text)) return broken(verified, position, 'the event was changed after it was recorded');
      previous = row.hash;
      expectedPosition++;
      verified++;
    }
    if (rows.length < VERIFY_PAGE) break;
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
