/** The billing-rule ConceptMaps as shipped in terminology/, and the billing tables built from them (no database). */
import { readdirSync, readFileSync } from 'fs';
import path from 'path';
import type { ConceptMap } from '@medplum/fhirtypes';
import { buildBillingTables } from '../../server/src/domain/billing-rules-from-maps';
import type { BillingTables } from '../../server/src/domain/billing-types';

const TERMINOLOGY = path.join(__dirname, '..', '..', 'terminology');

export function readShippedConceptMaps(): ConceptMap[] {
  return readdirSync(TERMINOLOGY)
    .filter((f) => f.startsWith('ConceptMap-') && f.endsWith('.json'))
    .map((f) => JSON.parse(readFileSync(path.join(TERMINOLOGY, f), 'utf8')) as ConceptMap);
}

export function shippedBillingTables(): BillingTables {
  return buildBillingTables(readShippedConceptMaps());
}
