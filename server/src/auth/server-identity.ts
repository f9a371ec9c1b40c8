/**
 * Who is asking a person to sign in: our product (name, version) and the organisation that runs this server — the
 * one organisation that provides its programs (HealthcareService.providedBy). With several providers, or none, no
 * organisation is named rather than a guessed one. Read per page view (sign-in pages are rare), never cached.
 */
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { REPO_ROOT } from '../repo-root';
import type { Db } from './db';

export const PRODUCT_NAME = 'iop-fhir';

export interface ServerIdentity {
  productName: string;
  version: string;
  organizationName?: string;
}

let version: string | undefined;

/** The version in package.json, read once. */
export function productVersion(): string {
  if (version === undefined) {
    try {
      version = String(JSON.parse(readFileSync(path.join(REPO_ROOT, 'package.json'), 'utf8')).version ?? 'unknown');
    } catch {
      version = 'unknown';
    }
  }
  return version;
}

export async function serverIdentity(db: Db): Promise<ServerIdentity> {
  const { rows } = await db.query<{ name: string | null }>(
    `SELECT o.content->>'name' AS name
       FROM (SELECT DISTINCT content->'providedBy'->>'reference' AS ref FROM resource
              WHERE resource_type = 'HealthcareService' AND NOT deleted AND coalesce(content->>'active', 'true') <> 'false') p
       JOIN resource o ON o.resource_type = 'Organization' AND NOT o.deleted AND p.ref = 'Organization/' || o.id
      LIMIT 2`,
  );
  const organizationName = rows.length === 1 && rows[0].name ? rows[0].name : undefined;
  return { productName: PRODUCT_NAME, version: productVersion(), organizationName };
}
