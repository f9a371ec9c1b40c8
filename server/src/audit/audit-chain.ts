/**
 * The hash chain over audit_event. The sealer takes unsealed rows in insertion order and gives each the next
 * chain position, the previous hash, and hash = sha256(previous hash + canonical JSON of the row). Sealing runs
 * under an advisory lock (one sealer at a time across replicas), every few seconds and before verification.
 * Verification recomputes every hash: a changed, deleted or reordered event breaks the chain at that position.
 */
import { createHash } from 'node:crypto';
import type { Repository } from '../store/repository';
import { raw, sql } from '../store/sql';

const SEAL_LOCK = 72_011_031;
const BATCH = 1000;
export const GENESIS_HASH = '0'.repeat(64);

interface ChainRow {
  seq: string;
  chain_pos: string | null;
  prev_hash: string | null;
  hash: string | null;
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

const ROW_COLUMNS = 'seq, chain_pos, prev_hash, hash, id, recorded, type_code, action, outcome, agent, client_id, patients, entities, source_ip, content';

/** JSON with object keys sorted at every level, so the same data always hashes the same. */
export function canonicalJson(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map(canonicalJson).join(',')}]`;
  if (value && typeof value === 'object' && !(value instanceof Date)) {
    const entries = Object.keys(value as object).sort().map((k) => `${JSON.stringify(k)}:${canonicalJson((value as Record<string, unknown>)[k])}`);
    return `{${entries.join(',')}}`;
  }
  return JSON.stringify(value instanceof Date ? value.toISOString() : value);
}

function rowHash(previous: string, row: ChainRow): string {
  const { seq: _seq, chain_pos: _pos, prev_hash: _prev, hash: _hash, ...sealed } = row;
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
  const [last] = await tx.query<{ chain_pos: string; hash: string }>(
    sql`SELECT chain_pos, hash FROM audit_event WHERE chain_pos IS NOT NULL ORDER BY chain_pos DESC LIMIT 1`,
  );
  const rows = await tx.query<ChainRow>(sql`SELECT ${raw(ROW_COLUMNS)} FROM audit_event WHERE chain_pos IS NULL ORDER BY seq LIMIT ${BATCH}`);
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
    await tx.query(sql`UPDATE audit_event a SET chain_pos = v.pos, prev_hash = v.prev, hash = v.hash
      FROM unnest(${seqs}::bigint[], ${positions}::bigint[], ${prevs}::text[], ${hashes}::text[]) AS v(seq, pos, prev, hash) WHERE a.seq = v.seq`);
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
      sql`SELECT ${raw(ROW_COLUMNS)} FROM audit_event WHERE chain_pos >= ${expectedPosition} ORDER BY chain_pos LIMIT 5000`,
    );
    for (const row of rows) {
      const position = Number(row.chain_pos);
      if (position !== expectedPosition) return broken(verified, expectedPosition, `event at chain position ${expectedPosition} is missing`);
      if (row.prev_hash !== previous) return broken(verified, position, 'the previous-hash link does not match');
      if (row.hash !== rowHash(previous, row)) return broken(verified, position, 'the event was changed after it was recorded');
      previous = row.hash!;
      expectedPosition++;
      verified++;
    }
    if (rows.length < 5000) break;
  }
  const [orphans] = await repo.query<{ n: string }>(
    sql`SELECT count(*) AS n FROM audit_event WHERE chain_pos IS NULL OR chain_pos > ${expectedPosition - 1}`,
  );
  if (Number(orphans.n) > 0) return broken(verified, expectedPosition, 'events exist outside the chain');
  return { valid: true, verified };
}

function broken(verified: number, position: number, problem: string): ChainVerification {
  return { valid: false, verified, brokenAt: position, problem };
}
