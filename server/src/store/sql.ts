/**
 * The one SQL builder. Values only ever become `$n` placeholders; identifiers (table and column names) only come
 * from the closed list below, so no caller can splice text from a request into a statement.
 */
import { createHash } from 'node:crypto';

const IDENTIFIERS = new Set([
  'resource', 'resource_history',
  'idx_string', 'idx_token', 'idx_date', 'idx_number', 'idx_quantity', 'idx_uri', 'idx_reference', 'idx_present',
  'res_id', 'resource_type', 'id', 'version_id', 'last_updated', 'deleted', 'content', 'seq', 'method',
  'param', 'value_norm', 'value_exact', 'system', 'code', 'text_norm', 'low', 'high', 'value',
  'target_type', 'target_id', 'target_url',
]);

type Chunk = string | Param;
class Param {
  constructor(readonly value: unknown) {}
}

/** A fragment of SQL with its values kept apart from its text. */
export class Sql {
  /** `prepare`: run as a named statement, parsed and planned once per connection (see prepared()). */
  constructor(readonly chunks: readonly Chunk[], readonly prepare = false) {}

  /** Numbers the placeholders and returns what `pg` takes; a prepared statement is named after its text. */
  toQuery(): { text: string; values: unknown[]; name?: string } {
    const values: unknown[] = [];
    const text = this.chunks
      .map((chunk) => {
        if (typeof chunk === 'string') return chunk;
        values.push(chunk.value);
        return `$${values.length}`;
      })
      .join('');
    return this.prepare ? { text, values, name: statementName(text) } : { text, values };
  }
}

/**
 * A hot statement run as a named (prepared) statement: each connection parses it once and PostgreSQL may reuse its
 * plan. Only for statements whose text takes a bounded number of forms (reads by id, the write of one resource, the
 * audit INSERT): every distinct text stays prepared on every connection for the connection's life. Searches, whose
 * text follows the client's query, are not prepared.
 */
export function prepared(statement: Sql): Sql {
  return new Sql(statement.chunks, true);
}

const names = new Map<string, string>();
const MAX_REMEMBERED_NAMES = 2_000;

function statementName(text: string): string {
  let name = names.get(text);
  if (name === undefined) {
    name = `iop_${createHash('sha1').update(text).digest('base64url')}`;
    if (names.size < MAX_REMEMBERED_NAMES) names.set(text, name);
  }
  return name;
}

/** An identifier from the closed list, quoted. Throws for anything else: a programming error, never user input. */
export class Identifier {
  readonly quoted: string;
  constructor(name: string) {
    if (!IDENTIFIERS.has(name)) throw new Error(`SQL identifier not in the allowed list: ${name}`);
    this.quoted = `"${name}"`;
  }
}

export function ident(name: string): Identifier {
  return new Identifier(name);
}

/** Tagged template: `sql\`SELECT content FROM resource WHERE id = ${id}\``. Nested Sql and Identifier are inlined. */
export function sql(strings: TemplateStringsArray, ...values: unknown[]): Sql {
  const chunks: Chunk[] = [];
  strings.forEach((text, i) => {
    chunks.push(text);
    if (i < values.length) appendValue(chunks, values[i]);
  });
  return new Sql(chunks);
}

function appendValue(chunks: Chunk[], value: unknown): void {
  if (value instanceof Sql) chunks.push(...value.chunks);
  else if (value instanceof Identifier) chunks.push(value.quoted);
  else chunks.push(new Param(value));
}

/** Joins fragments with a separator of constant SQL text (e.g. ' AND ', ', '). */
export function join(fragments: readonly Sql[], separator: string): Sql {
  const chunks: Chunk[] = [];
  fragments.forEach((fragment, i) => {
    if (i > 0) chunks.push(separator);
    chunks.push(...fragment.chunks);
  });
  return new Sql(chunks);
}

/** Constant SQL text written in our source (never from a request). */
export function raw(text: string): Sql {
  return new Sql([text]);
}

export const empty = new Sql([]);

/** Runs one statement on a pool or client directly, for code outside the Repository (caches reloading). */
export async function queryRows<R>(db: { query(text: string, values: unknown[]): Promise<{ rows: unknown[] }> }, statement: Sql): Promise<R[]> {
  const { text, values } = statement.toQuery();
  return (await db.query(text, values)).rows as R[];
}

/** The argument `pg` takes for a statement: a named statement as a config object, any other as text and values. */
export function pgQueryArgs(statement: Sql): [string | { name: string; text: string; values: unknown[] }, unknown[]?] {
  const { text, values, name } = statement.toQuery();
  return name ? [{ name, text, values }] : [text, values];
}
