/**
 * The billing tables for one claim run, read from the STORED billing-rule ConceptMaps (by url; the newest
 * version when several share a url), so a PUT of a map changes the next claim without a restart. A map not
 * stored (a database whose conformance content was never stored) comes from terminology/ as loaded at start.
 * Read as the system: payer rules are program configuration, and a clinician signing a note needs no
 * ConceptMap scope.
 */
import type { ConceptMap } from '@medplum/fhirtypes';
import { systemAccess } from '../../auth/access-context';
import { BILLING_MAP_URLS, buildBillingTables } from '../../domain/billing-rules-from-maps';
import type { BillingTables } from '../../domain/billing-types';
import { BillingRulesError } from '../../domain/concept-map-rules';
import { outcomeError } from '../../errors';
import type { FhirContext } from '../../fhir/types';
import { terminology } from '../../terminology/terminology-store';
import { searchAll } from './read-resources';

export async function loadBillingTables(ctx: FhirContext): Promise<BillingTables> {
  const asSystem: FhirContext = { ...ctx, access: systemAccess(ctx.access?.audit) };
  const maps = await searchAll<ConceptMap>(asSystem, 'ConceptMap', { url: Object.values(BILLING_MAP_URLS).join(',') });
  const newestFirst = [...maps].sort((a, b) => (b.meta?.lastUpdated ?? '').localeCompare(a.meta?.lastUpdated ?? ''));
  const shipped = Object.values(BILLING_MAP_URLS)
    .filter((url) => !maps.some((m) => m.url === url))
    .flatMap((url) => terminology().conceptMap(url) ?? []);
  try {
    return buildBillingTables([...newestFirst, ...shipped]);
  } catch (err) {
    if (err instanceof BillingRulesError) throw outcomeError(500, 'processing', `The billing rules could not be read: ${err.message}`);
    throw err;
  }
}
