/**
 * The repository: every write (resource row, history row, index rows) is one PostgreSQL transaction.
 * A Repository is bound either to the pool or, inside `transaction()`, to one client; nested calls reuse it.
 */
import type { Resource } from '@medplum/fhirtypes';
import type { Pool, PoolClient, QueryResultRow } from 'pg';
import type { IndexExtractor, IndexRows } from './index-rows';
import { accessLinks } from './access-links';
import { deleteIndexRowsStatements, insertIndexRowsStatements } from './index-store';
import { insertNewResourcesSql, type NewResourceRow } from './new-resources-statement';
import { inPgTransaction } from './pg-transaction';
import { join, pgQueryArgs, prepared, raw, Sql, sql } from './sql';

export type WriteMethod = 'POST' | 'PUT' | 'PATCH' | 'DELETE';

/** One stored version of a resource (the current one, or one from history). */
export interface StoredVersion<T extends Resource = Resource> {
  resId: string;
  resourceType: string;
  id: string;
  versionId: number;
  lastUpdated: Date;
  deleted: boolean;
  resource: T;
}

export interface WriteRequest {
  resourceType: string;
  id: string;
  method: WriteMethod;
  /** The new content; ignored for DELETE. */
  resource?: Resource;
  /** Runs under the row lock with the current version (if any); throw to abort the write. */
  check?: (current: StoredVersion | undefined) => void;
  /** The id is freshly generated: no current row can exist, skip the lock and the index delete. */
  isNew?: boolean;
  /** What asked for the write, handed as is to the onWrite hooks; absent for maintenance writes no request made. */
  origin?: WriteOrigin;
}

/**
 * What asked for a write: a FHIR request handler passes its request context (fhir/types.ts FhirContext), which the
 * write hooks (fhir/write-hooks.ts) receive. The store itself reads nothing from it.
 */
export interface WriteOrigin {
  readonly requestId: string;
}

export interface RepositoryDeps {
  extractIndex: IndexExtractor;
  /** Counts statements, so tests can assert bounded SQL per request. */
  onStatement?: (text: string) => void;
  /**
   * Runs inside the write's transaction after every written version (fhir/write-hooks.ts: e.g. a stored
   * SearchParameter is activated, an assessment is scored); throwing refuses the write.
   */
  onWrite?: (tx: Repository, written: StoredVersion, origin: WriteOrigin | undefined) => Promise<void>;
  /**
   * Applies the 42 CFR Part 2 labelling rules to the contents about to be written together (store/part2-label-writer.ts);
   * `part2` says a resource is Part 2 information. Omitted only by tools that write raw data (benchmarks).
   */
  labelResources?: (tx: Repository, resources: Resource[]) => Promise<{ resource: Resource; part2: boolean }[]>;
  /** Whose Part 2 information a labelled resource is (the patients its index links name). */
  part2PatientsOf?: (resourceType: string, index: IndexRows, id: string) => string[];
}

type Queryable = Pool | PoolClient;

interface VersionRow {
  res_id: string;
  resource_type: string;
  id: string;
  version_id: number;
  last_updated: Date;
  deleted: boolean;
  content: Resource;
}

/** Resources per INSERT of writeNew. */
const NEW_ROWS_PER_STATEMENT = 250;

/** A write hook refused the `index`-th of the resources writeNew stored together; `cause` is what it threw. */
export class NewResourceRefused extends Error {
  constructor(readonly index: number, cause: unknown) {
    super(`a write hook refused new resource ${index}`, { cause });
  }
}

export class Repository {
  /** Work to do once this transaction has committed (never if it rolls back). */
  private commitHooks: (() => void)[] = [];
  /** What this transaction has looked up once for many writes (see memo). */
  private memos = new Map<string, Promise<unknown>>();
  /** Where this view of a transaction sends creates of fresh resources (see withCreateSink). */
  private createSink?: (request: WriteRequest) => Promise<StoredVersion>;

  constructor(
    private readonly db: Queryable,
    readonly deps: RepositoryDeps,
    private readonly client?: PoolClient,
  ) {}

  get inTransaction(): boolean {
    return this.client !== undefined;
  }

  /** A repository on the pool, outside any transaction (for work that outlives this one, e.g. a worker). */
  outside(): Repository {
    return this.client ? new Repository(this.db, this.deps) : this;
  }

  /**
   * Runs `fn` after the transaction commits, or at once outside a transaction: for in-process state (caches,
   * registries) that must not change if the transaction rolls back. `fn` must not throw: the transaction has committed.
   */
  afterCommit(fn: () => void): void {
    if (this.client) this.commitHooks.push(fn);
    else fn();
  }

  async query<R extends QueryResultRow = QueryResultRow>(statement: Sql): Promise<R[]> {
    const args = pgQueryArgs(statement);
    this.deps.onStatement?.(typeof args[0] === 'string' ? args[0] : args[0].text);
    const result = await (this.client ?? this.db).query<R>(...(args as [string, unknown[]]));
    return result.rows;
  }

  /**
   * `load()` once per transaction for `key` (e.g. the subscriptions a write hook looks for, asked for every written
   * resource of a transaction Bundle); outside a transaction it just loads. Whoever changes what was loaded calls
   * forget() with the key's prefix.
   */
  memo<T>(key: string, load: () => Promise<T>): Promise<T> {
    if (!this.client) return load();
    let value = this.memos.get(key) as Promise<T> | undefined;
    if (!value) {
      value = load();
      this.memos.set(key, value);
      value.catch(() => this.memos.delete(key));
    }
    return value;
  }

  forget(prefix: string): void {
    for (const key of [...this.memos.keys()]) if (key.startsWith(prefix)) this.memos.delete(key);
  }

  /** Runs `fn` in one transaction (READ COMMITTED); inside an existing transaction it just runs. */
  async transaction<T>(fn: (tx: Repository) => Promise<T>): Promise<T> {
    if (this.client) return fn(this);
    return inPgTransaction(this.db as Pool, async (pg) => {
      const tx = new Repository(this.db, this.deps, pg.client);
      const result = await fn(tx);
      pg.afterCommit(() => {
        for (const hook of tx.commitHooks) hook();
      });
      return result;
    });
  }

  /** Runs `fn` so that a failure undoes only its own work: a savepoint inside a transaction, else its own one. */
  async isolated<T>(fn: (tx: Repository) => Promise<T>): Promise<T> {
    if (!this.client) return this.transaction(fn);
    await this.client.query('SAVEPOINT entry');
    const hooksBefore = this.commitHooks.length;
    try {
      const result = await fn(this);
      await this.client.query('RELEASE SAVEPOINT entry');
      return result;
    } catch (err) {
      await this.client.query('ROLLBACK TO SAVEPOINT entry').catch(() => undefined);
      this.commitHooks.length = hooksBefore; // what the rolled-back work asked for must not happen
      throw err;
    }
  }

  /**
   * This transaction, except that a create of a fresh resource (isNew) is handed to `sink` instead of written, so
   * that creates made by independent pieces of work can be stored together (fhir/bundle-creates.ts).
   */
  withCreateSink(sink: (request: WriteRequest) => Promise<StoredVersion>): Repository {
    if (!this.client) throw new Error('withCreateSink() needs a transaction');
    const view = new Repository(this.db, this.deps, this.client);
    view.commitHooks = this.commitHooks;
    view.memos = this.memos;
    view.createSink = sink;
    return view;
  }

  /** Serialises work on one key (e.g. a conditional create's query) until the transaction ends. */
  async lock(key: string): Promise<void> {
    if (!this.client) throw new Error('lock() needs a transaction');
    await this.query(sql`SELECT pg_advisory_xact_lock(hashtextextended(${key}, 0))`);
  }

  /**
   * The current version; with `visibleIf` (a condition over alias `r`), a row it rejects reads as absent. Only the
   * unfiltered read is a named statement: PostgreSQL would switch a named, filtered one to a generic plan, which cannot
   * see which arm of the access filter a row takes (a Part 2 consented read cost twice as much that way).
   */
  async readCurrent(resourceType: string, id: string, visibleIf?: Sql): Promise<StoredVersion | undefined> {
    const statement = sql`SELECT r.res_id, r.resource_type, r.id, r.version_id, r.last_updated, r.deleted, r.content
          FROM resource r WHERE r.resource_type = ${resourceType} AND r.id = ${id}${visibleIf ? sql` AND ${visibleIf}` : sql``}`;
    const rows = await this.query<VersionRow>(visibleIf ? statement : prepared(statement));
    return rows[0] && toVersion(rows[0]);
  }

  async readVersion(resourceType: string, id: string, versionId: number): Promise<StoredVersion | undefined> {
    const rows = await this.query<VersionRow>(
      prepared(sql`SELECT res_id, resource_type, id, version_id, last_updated, deleted, content
          FROM resource_history WHERE resource_type = ${resourceType} AND id = ${id} AND version_id = ${versionId}`),
    );
    return rows[0] && toVersion(rows[0]);
  }

  /** Current, not-deleted resources by surrogate key, in the order given. */
  async readByResIds(resIds: readonly string[]): Promise<StoredVersion[]> {
    if (resIds.length === 0) return [];
    const rows = await this.query<VersionRow>(
      sql`SELECT res_id, resource_type, id, version_id, last_updated, deleted, content
          FROM resource WHERE res_id = ANY(${resIds}::bigint[]) AND NOT deleted`,
    );
    const byId = new Map(rows.map((row) => [String(row.res_id), toVersion(row)]));
    return resIds.map((resId) => byId.get(resId)).filter((v): v is StoredVersion => v !== undefined);
  }

  /**
   * Writes a new version: resource row, history row and index rows, atomically. A new resource is one statement;
   * an existing one is the row lock, the removal of its old index rows, and one statement.
   */
  async write(request: WriteRequest): Promise<StoredVersion> {
    if (this.createSink && request.isNew && request.method === 'POST') return this.createSink(request);
    return this.transaction(async (tx) => {
      const current = request.isNew ? undefined : await tx.lockCurrent(request.resourceType, request.id);
      request.check?.(current);
      const deleted = request.method === 'DELETE';
      const versionId = (current?.versionId ?? 0) + 1;
      const lastUpdated = new Date();
      // A deletion is stored as a stub that keeps only the identity and version.
      const labelled = deleted || !tx.deps.labelResources ? undefined : (await tx.deps.labelResources(tx, [{ ...request.resource!, id: request.id } as Resource]))[0];
      const base = (deleted ? { resourceType: request.resourceType } : labelled?.resource ?? request.resource!) as Resource;
      const meta = { ...(deleted ? {} : base.meta), versionId: String(versionId), lastUpdated: lastUpdated.toISOString() };
      const content = { ...base, id: request.id, meta } as Resource;
      const resId = sql`(SELECT res_id FROM written)`;
      const index = deleted ? undefined : tx.deps.extractIndex(content);
      // A deletion keeps whose Part 2 information the resource was, so its history stays as protected as it was.
      const part2Patients = index && labelled?.part2 ? tx.deps.part2PatientsOf?.(request.resourceType, index, request.id) ?? [] : null;
      const part2Value = deleted ? sql`resource.part2_patients` : sql`${part2Patients}::text[]`;
      // Old index rows go first, in their own statement: within one WITH the order of sub-statements is not
      // defined, and idx_present's key would see old and new rows at once.
      if (current) await tx.query(prepared(sql`WITH ${join(deleteIndexRowsStatements(sql`${current.resId}::bigint`).map((d, i) => sql`d${raw(String(i))} AS (${d})`), ', ')} SELECT 1`));
      const statements = [
        current
          ? sql`written AS (UPDATE resource SET version_id = ${versionId}, last_updated = ${lastUpdated}, deleted = ${deleted},
              content = ${content}, part2_patients = ${part2Value} WHERE res_id = ${current.resId} RETURNING res_id, content, part2_patients)`
          : sql`written AS (INSERT INTO resource (resource_type, id, version_id, last_updated, deleted, content, part2_patients)
              VALUES (${request.resourceType}, ${request.id}, ${versionId}, ${lastUpdated}, ${deleted}, ${content}, ${part2Patients}::text[])
              RETURNING res_id, content, part2_patients)`,
        // The history row takes its content from the written row: the JSON crosses the wire once. Its access links
        // say whose this version is, for history and vread filtering after later versions change that.
        sql`INSERT INTO resource_history (res_id, resource_type, id, version_id, last_updated, method, deleted, content, links, part2_patients)
            SELECT res_id, ${request.resourceType}, ${request.id}, ${versionId}, ${lastUpdated}, ${request.method}, ${deleted}, content,
                   ${JSON.stringify(index ? accessLinks(index) : [])}::jsonb, part2_patients FROM written`,
        ...(index ? insertIndexRowsStatements(resId, request.resourceType, index) : []),
      ];
      const named = statements.map((statement, i) => (i === 0 ? statement : sql`s${raw(String(i))} AS (${statement})`));
      // Prepared: its text takes one form per combination of non-empty index tables (new or existing row).
      const rows = await tx.query<{ res_id: string }>(prepared(sql`WITH ${join(named, ', ')} SELECT res_id FROM written`));
      const written: StoredVersion = { resId: String(rows[0].res_id), resourceType: request.resourceType, id: request.id, versionId, lastUpdated, deleted, resource: content };
      await tx.deps.onWrite?.(tx, written, request.origin);
      return written;
    });
  }

  /**
   * Stores resources with fresh ids (isNew POSTs: no current row, no lock) together: one labelling statement and one
   * statement per few hundred of their rows, history rows and index rows; then the write hooks of each version, in order. A
   * hook's refusal comes as NewResourceRefused, naming the resource.
   */
  async writeNew(requests: WriteRequest[]): Promise<StoredVersion[]> {
    if (requests.length === 0) return [];
    if (requests.some((r) => !r.isNew || r.method !== 'POST' || !r.resource)) throw new Error('writeNew() takes creates of fresh resources only');
    return this.transaction(async (tx) => {
      for (const request of requests) request.check?.(undefined);
      const lastUpdated = new Date();
      const contents = requests.map((r) => ({ ...r.resource!, id: r.id }) as Resource);
      const labelled = tx.deps.labelResources ? await tx.deps.labelResources(tx, contents) : contents.map((resource) => ({ resource, part2: false }));
      const meta = { versionId: '1', lastUpdated: lastUpdated.toISOString() };
      const rows: NewResourceRow[] = labelled.map(({ resource, part2 }, i) => {
        const { resourceType, id } = requests[i];
        const content = { ...resource, id, meta: { ...resource.meta, ...meta } } as Resource;
        const index = tx.deps.extractIndex(content);
        const part2Patients = part2 ? tx.deps.part2PatientsOf?.(resourceType, index, id) ?? [] : null;
        return { resourceType, id, rows: index, content, part2Patients, links: accessLinks(index) };
      });
      const resIds = new Map<string, string>();
      // A few hundred rows per statement: a statement stays short enough not to look like a stalled database
      // (store/db-watchdog.ts) on a busy machine, and the round trips stay few.
      for (let start = 0; start < rows.length; start += NEW_ROWS_PER_STATEMENT) {
        const inserted = await tx.query<{ res_id: string; resource_type: string; id: string }>(
          insertNewResourcesSql(rows.slice(start, start + NEW_ROWS_PER_STATEMENT), lastUpdated));
        for (const row of inserted) resIds.set(`${row.resource_type}/${row.id}`, String(row.res_id));
      }
      const written = rows.map((row): StoredVersion => ({
        resId: resIds.get(`${row.resourceType}/${row.id}`)!, resourceType: row.resourceType, id: row.id, versionId: 1, lastUpdated, deleted: false, resource: row.content,
      }));
      for (const [i, version] of written.entries()) {
        try {
          await tx.deps.onWrite?.(tx, version, requests[i].origin);
        } catch (err) {
          throw new NewResourceRefused(i, err);
        }
      }
      return written;
    });
  }

  private async lockCurrent(resourceType: string, id: string): Promise<StoredVersion | undefined> {
    const rows = await this.query<VersionRow>(
      prepared(sql`SELECT res_id, resource_type, id, version_id, last_updated, deleted, content
          FROM resource WHERE resource_type = ${resourceType} AND id = ${id} FOR UPDATE`),
    );
    return rows[0] && toVersion(rows[0]);
  }
}

export function toVersion(row: VersionRow): StoredVersion {
  return {
    resId: String(row.res_id),
    resourceType: row.resource_type,
    id: row.id,
    versionId: row.version_id,
    lastUpdated: row.last_updated,
    deleted: row.deleted,
    resource: withKeyOrder(row.content),
  };
}

/** jsonb sorts keys by length; put resourceType, id and meta first again, as FHIR JSON is usually written. */
function withKeyOrder(content: Resource): Resource {
  const { resourceType, id, meta, ...rest } = content as Resource & { meta?: unknown };
  return { resourceType, id, meta, ...rest } as Resource;
}
