/** Seeds the demo organisation into an empty database, through the same transaction handler as any client. */
import type { Bundle } from '@medplum/fhirtypes';
import { dispatch } from '../fhir/router';
import type { FhirContext } from '../fhir/types';
import { sql } from '../store/sql';
import { buildDemoBundle, DEMO_SYSTEM } from './demo-bundle';

/** Returns the number of entries written, or 0 when the demo organisation already exists. */
export async function seedDemoData(ctx: FhirContext, now = new Date()): Promise<number> {
  const existing = await ctx.repo.query(sql`SELECT 1 FROM idx_token WHERE resource_type = 'Organization'
    AND param = 'identifier' AND system = ${DEMO_SYSTEM} AND code = 'org' LIMIT 1`);
  if (existing.length > 0) return 0;
  const response = await dispatch(
    { method: 'POST', path: '', query: {}, body: buildDemoBundle(now), headers: { prefer: 'return=minimal' } },
    ctx,
  );
  return (response.body as Bundle).entry?.length ?? 0;
}
