/**
 * The billing tables for a claim run, built from the billing-rule ConceptMaps the server holds (terminology()):
 * the shipped maps, each replaced by its newest stored version once one is stored (terminology-sync.ts), so a PUT
 * of a map changes the next claim on every process without a restart. Payer rules are program configuration: a
 * clinician signing a note needs no ConceptMap scope to have them applied.
 * Cached: built once per terminology generation. Invalidation: any terminology change (iop_terminology, or a full
 * reload after a lost listener) moves the generation on, and the next claim run builds the tables again.
 */
import type { ConceptMap } from '@medplum/fhirtypes';
import { BILLING_MAP_URLS, buildBillingTables } from '../../domain/billing-rules-from-maps';
import type { BillingTables } from '../../domain/billing-types';
import { BillingRulesError } from '../../domain/concept-map-rules';
import { outcomeError } from '../../errors';
import { terminology } from '../../terminology/terminology-store';

let built: { generation: number; tables: BillingTables } | undefined;

export function loadBillingTables(): BillingTables {
  const store = terminology();
  if (built?.generation === store.generation) return built.tables;
  const generation = store.generation;
  const maps = Object.values(BILLING_MAP_URLS).map((url) => store.conceptMap(url)).filter((m): m is ConceptMap => m !== undefined);
  try {
    const tables = buildBillingTables(maps);
    built = { generation, tables };
    return tables;
  } catch (err) {
    if (err instanceof BillingRulesError) throw outcomeError(500, 'processing', `The billing rules could not be read: ${err.message}`);
    throw err;
  }
}
