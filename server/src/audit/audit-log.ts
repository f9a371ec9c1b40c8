/**
 * Writes AuditEvents. Inside a write transaction the event goes through that transaction (so it commits or rolls
 * back with the write); otherwise through a group commit shared by concurrent requests (below). Rows are chained
 * later by the sealer (audit-chain.ts).
 */
import { randomUUID } from 'node:crypto';
import type { AuditEvent } from '@medplum/fhirtypes';
import type { Pool } from 'pg';
import type { Repository } from '../store/repository';
import { FhirError, issue, outcome } from '../errors';
import { pgQueryArgs, prepared, Sql, sql } from '../store/sql';
import { buildAuditEvent } from './audit-event';
import type { AuditRecord } from './audit-record';
import { insertDisclosuresSql, type DisclosureRecord } from './part2-disclosures';

export interface AuditLogOptions {
  /** Events waiting for their commit before new ones wait (back-pressure). */
  maxQueue?: number;
  /** Events per INSERT. */
  maxBatch?: number;
  /** How long an event waits for room in a full queue before its request gets a 503. */
  maxWaitMs?: number;
  /** How long a refusal waits for its event's commit before it is answered anyway (recordRefusal). */
  refusalWaitMs?: number;
}

interface Waiting {
  row: AuditRow;
  settle: (err?: unknown) => void;
}

/**
 * Events recorded outside a write transaction (reads, searches, refusals) share commits (group commit): while one
 * INSERT is in flight the next events queue, and the next INSERT takes them all (up to maxBatch). Each caller is
 * answered only once the statement holding its event has committed, so a request is never acknowledged before its
 * AuditEvent is durable, but concurrent requests pay for one WAL flush instead of one each. A full queue makes
 * callers wait (back-pressure), and one that cannot get in within maxWaitMs fails with a 503.
 */
export class AuditLog {
  private readonly queue: Waiting[] = [];
  private flushing = false;
  private readonly roomWaiters: (() => void)[] = [];
  private readonly maxQueue: number;
  private readonly maxBatch: number;
  private readonly maxWaitMs: number;
  private readonly refusalWaitMs: number;
  /** Told when a refusal's event could not be written (app.ts logs it); the refusal is answered all the same. */
  onRefusalNotRecorded?: (err: unknown, record: AuditRecord) => void;

  constructor(private readonly pool: Pool, options: AuditLogOptions = {}) {
    this.maxQueue = options.maxQueue ?? 10_000;
    this.maxBatch = options.maxBatch ?? 500;
    this.maxWaitMs = options.maxWaitMs ?? 5_000;
    this.refusalWaitMs = options.refusalWaitMs ?? 2_000;
  }

  async record(record: AuditRecord, tx?: Repository): Promise<void> {
    await this.recordMany([record], tx);
  }

  /**
   * The event of a refused request. Unlike record() it never throws — an audit failure must not turn a 4xx into a
   * 500 — and waits for the commit at most refusalWaitMs: nothing was disclosed, so a refusal need not wait for a
   * slow or absent database (the event stays queued and is written when it can be).
   */
  async recordRefusal(record: AuditRecord): Promise<void> {
    let timer: NodeJS.Timeout | undefined;
    const written = this.record(record).catch((err: unknown) => this.onRefusalNotRecorded?.(err, record));
    await Promise.race([written, new Promise<void>((resolve) => { timer = setTimeout(resolve, this.refusalWaitMs); })]);
    clearTimeout(timer);
  }

  /** Several events in one statement (e.g. every entry of a transaction Bundle, just before it commits). */
  async recordMany(records: AuditRecord[], tx?: Repository): Promise<void> {
    if (records.length === 0) return;
    const rows = records.map(toRow);
    if (tx?.inTransaction) {
      await tx.query(insertStatement(rows));
      return;
    }
    await this.waitForRoom();
    const committed = rows.map((row) => new Promise<void>((resolve, reject) => {
      this.queue.push({ row, settle: (err) => (err === undefined ? resolve() : reject(err)) });
    }));
    this.startFlushing();
    await Promise.all(committed);
  }

  /** Events waiting for their commit (metrics, tests). */
  get pending(): number {
    return this.queue.length;
  }

  private async waitForRoom(): Promise<void> {
    if (this.queue.length < this.maxQueue) return;
    let timer: NodeJS.Timeout | undefined;
    const admitted = new Promise<void>((resolve) => this.roomWaiters.push(resolve));
    const refused = new Promise<never>((_, reject) => {
      timer = setTimeout(() => reject(new FhirError(503, outcome(issue('error', 'transient',
        'The audit trail is behind: the request was not run. Retry shortly.')), { 'Retry-After': '2' })), this.maxWaitMs);
    });
    try {
      await Promise.race([admitted, refused]);
    } finally {
      clearTimeout(timer);
    }
  }

  /** The flush loop runs until the queue is empty; one statement in flight at a time per process. */
  private startFlushing(): void {
    if (this.flushing) return;
    this.flushing = true;
    void this.flushAll();
  }

  private async flushAll(): Promise<void> {
    try {
      while (this.queue.length > 0) {
        const batch = this.queue.splice(0, this.maxBatch);
        while (this.roomWaiters.length > 0 && this.queue.length < this.maxQueue) this.roomWaiters.shift()!();
        const statement = insertStatement(batch.map((w) => w.row));
        try {
          await this.pool.query(...(pgQueryArgs(statement) as [string, unknown[]]));
          for (const waiting of batch) waiting.settle();
        } catch (err) {
          if (batch.length > 1 && isRowProblem(err)) await this.insertOneByOne(batch);
          else for (const waiting of batch) waiting.settle(err);
        }
      }
    } finally {
      this.flushing = false;
    }
  }

  /** A row the database refused must not fail the other requests that shared its statement. */
  private async insertOneByOne(batch: Waiting[]): Promise<void> {
    for (const waiting of batch) {
      try {
        await this.pool.query(...(pgQueryArgs(insertStatement([waiting.row])) as [string, unknown[]]));
        waiting.settle();
      } catch (err) {
        waiting.settle(err);
      }
    }
  }
}

/** Data exceptions (22xxx), constraint violations (23xxx) and size limits (54xxx) are about a row, not the database. */
function isRowProblem(err: unknown): boolean {
  const code = (err as { code?: unknown })?.code;
  return typeof code === 'string' && /^(22|23|54)/.test(code);
}

/**
 * The events' INSERT; with the 42 CFR Part 2 disclosures they record, one statement for both. The events' INSERT
 * alone is prepared (its rows travel as one JSON parameter, so its text is the same for any number of events); with
 * disclosures it joins the stored rows, whose plan must follow the size of what is joined, so it is planned each time.
 */
function insertStatement(rows: AuditRow[]): Sql {
  const disclosures = rows.flatMap((r) => r.disclosures);
  if (disclosures.length === 0) return prepared(insertEventsStatement(rows));
  return sql`WITH events AS (${insertEventsStatement(rows)} RETURNING 1), disclosed AS (${insertDisclosuresSql(disclosures)} RETURNING 1)
    SELECT (SELECT count(*) FROM events) AS events, (SELECT count(*) FROM disclosed) AS disclosures`;
}

function insertEventsStatement(rows: AuditRow[]): Sql {
  // The rows travel as one JSON document (one parameter, one parse in PostgreSQL), not as eleven arrays whose every
  // element the driver would escape; the statement text is the same for any number of events.
  return sql`INSERT INTO audit_event (id, recorded, type_code, action, outcome, agent, client_id, patients, entities, source_ip, content)
    SELECT id, recorded, type_code, action, outcome, agent, client_id, patients, entities, source_ip, content
      FROM jsonb_to_recordset(${eventsJson(rows)}::jsonb)
        AS r(id uuid, recorded timestamptz, type_code text, action text, outcome text, agent text, client_id text,
             patients text[], entities text[], source_ip text, content jsonb)`;
}

/**
 * The rows as JSON. PostgreSQL refuses `\u0000` and unpaired surrogates in jsonb, and JSON.stringify writes both as
 * escapes, so a text without either escape is storable as it is; the rare one with them (hostile text in a refused
 * request) is written again with every string of the events' content made storable. The other columns are made
 * storable when the row is built (toRow).
 */
function eventsJson(rows: AuditRow[]): string {
  const text = JSON.stringify(rows.map((row) => eventColumns(row, row.content)));
  if (!UNSTORABLE_ESCAPE.test(text)) return text;
  const storableContent = (row: AuditRow): unknown =>
    JSON.parse(JSON.stringify(row.content, (_key, value: unknown) => (typeof value === 'string' ? storable(value) : value)));
  return JSON.stringify(rows.map((row) => eventColumns(row, storableContent(row))));
}

const UNSTORABLE_ESCAPE = /\\u0000|\\ud[89a-f][0-9a-f]{2}/i;

function eventColumns(row: AuditRow, content: unknown) {
  return {
    id: row.id, recorded: row.recorded, type_code: row.typeCode, action: row.action, outcome: row.outcome, agent: row.agent,
    client_id: row.clientId, patients: row.patients, entities: row.entities, source_ip: row.sourceIp, content,
  };
}

interface AuditRow {
  id: string;
  recorded: Date;
  typeCode: string;
  action: string;
  outcome: string;
  agent: string | null;
  clientId: string | null;
  patients: string[];
  entities: string[];
  sourceIp: string | null;
  content: AuditEvent;
  disclosures: DisclosureRecord[];
}

/**
 * Refusals are recorded with what the request sent, hostile text included: every string is made storable (NUL and
 * unpaired surrogates become U+FFFD) and indexed values are kept short, so no request can make its own audit row, or
 * the rows that share its commit, fail.
 */
function toRow(record: AuditRecord): AuditRow {
  const id = randomUUID();
  const recorded = new Date();
  const content = buildAuditEvent(id, recorded, record);
  const agent = record.agent.fhirUser ?? (record.agent.userId ? `User/${record.agent.userId}` : null);
  return {
    id, recorded, typeCode: storable(content.type?.code ?? 'rest'), action: record.action, outcome: record.outcome,
    agent: agent === null ? null : indexable(agent), clientId: record.agent.clientId === undefined ? null : indexable(record.agent.clientId),
    patients: record.patients.map(indexable), entities: record.entities.map(indexable),
    sourceIp: record.sourceIp === undefined ? null : indexable(record.sourceIp),
    content,
    disclosures: record.disclosures ?? [],
  };
}

const UNSTORABLE = /\0|[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/g;

function storable(text: string): string {
  return text.replace(UNSTORABLE, '\uFFFD');
}

/** Values in btree/GIN-indexed columns (agent, patients, entities) stay far below PostgreSQL's index-entry limit. */
function indexable(text: string): string {
  return storable(text.length > 256 ? `${text.slice(0, 256)}…` : text);
}
