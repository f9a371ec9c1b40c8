/**
 * The references of one version that the access filter judges rows by (links to patients, practitioners, their
 * roles, organisations and programs), stored on its history row (resource_history.links) because index rows
 * describe only the current version.
 */
import type { IndexRows } from './index-rows';

export const ACCESS_LINK_TARGETS = ['Patient', 'Practitioner', 'PractitionerRole', 'Organization', 'HealthcareService'];

export interface AccessLink {
  param: string;
  target_type: string;
  target_id: string;
}

export function accessLinks(index: IndexRows): AccessLink[] {
  const seen = new Set<string>();
  const links: AccessLink[] = [];
  for (const row of index.reference) {
    if (!row.targetType || !row.targetId || !ACCESS_LINK_TARGETS.includes(row.targetType)) continue;
    const key = `${row.param} ${row.targetType}/${row.targetId}`;
    if (seen.has(key)) continue;
    seen.add(key);
    links.push({ param: row.param, target_type: row.targetType, target_id: row.targetId });
  }
  return links;
}
