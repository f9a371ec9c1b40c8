/**
 * Writes AuditEvents. Inside a write transaction the event goes through that transaction (so it commits or rolls
 * back with the write); otherwise straight to the pool. Rows are chained later by the sealer (audit-chain.ts).
 */
import { randomUUID } from 'node:crypto';
import type { Pool } from 'pg';
import type { Repository } from '../store/repository';
import { sql } from '../store/sql';
import { buildAuditEvent } from './audit-event';
import type { AuditRecord } from './audit-record';

export class AuditLog {
  constructor(private readonly pool: Pool) {}

  async record(record: AuditRecord, tx?: Repository): Promise<void> {
    await this.recordMany([record], tx);
  }

  /** Several events in one statement (e.g. every entry of a transaction Bundle, just before it commits). */
  async recordMany(records: AuditRecord[], tx?: Repository): Promise<void> {
    if (records.length === 0) return;
    const rows = records.map(toRow);
    const column = <K extends keyof AuditRow>(key: K) => rows.map((r) => r[key]);
    // Arrays of arrays cannot be unnested per row, so text[] columns travel as JSON.
    const statement = sql`INSERT INTO audit_event (id, recorded, type_code, action, outcome, agent, client_id, patients, entities, source_ip, content)
      SELECT id, recorded, type_code, action, outcome, agent, client_id,
             ARRAY(SELECT jsonb_array_elements_text(patients)), ARRAY(SELECT jsonb_array_elements_text(entities)), source_ip, content
        FROM unnest(${column('id')}::uuid[], ${column('recorded')}::timestamptz[], ${column('typeCode')}::text[], ${column('action')}::text[],
                    ${column('outcome')}::text[], ${column('agent')}::text[], ${column('clientId')}::text[], ${column('patients')}::jsonb[],
                    ${column('entities')}::jsonb[], ${column('sourceIp')}::text[], ${column('content')}::jsonb[])
          AS r(id, recorded, type_code, action, outcome, agent, client_id, patients, entities, source_ip, content)`;
    if (tx?.inTransaction) {
      await tx.query(statement);
      return;
    }
    const { text, values } = statement.toQuery();
    await this.pool.query(text, values);
  }
}

interface AuditRow {
  id: string;
  recorded: Date;
  typeCode: string;
  action: string;
  outcome: string;
  agent: string | null;
  clientId: string | null;
  patients: string;
  entities: string;
  sourceIp: string | null;
  content: string;
}

function toRow(record: AuditRecord): AuditRow {
  const id = randomUUID();
  const recorded = new Date();
  const content = buildAuditEvent(id, recorded, record);
  return {
    id, recorded, typeCode: content.type?.code ?? 'rest', action: record.action, outcome: record.outcome,
    agent: record.agent.fhirUser ?? (record.agent.userId ? `User/${record.agent.userId}` : null), clientId: record.agent.clientId ?? null,
    patients: JSON.stringify(record.patients), entities: JSON.stringify(record.entities), sourceIp: record.sourceIp ?? null,
    content: JSON.stringify(content),
  };
}
