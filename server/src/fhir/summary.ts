/** `_summary` and `_elements`: the subset of a resource a client asked for, marked SUBSETTED. */
import { getDataType } from '@medplum/core';
import type { Resource } from '@medplum/fhirtypes';
import { badRequest } from '../errors';

const ALWAYS = new Set(['resourceType', 'id', 'meta']);

export function summarizeResource<T extends Resource>(resource: T, summary?: string, elements?: string[]): T {
  // Mandatory elements stay, so the subset is still a valid resource (as the spec asks of _elements).
  if (elements && elements.length > 0) return subset(resource, (key) => elements.includes(key) || isMandatory(resource, key));
  switch (summary) {
    case undefined:
    case 'false':
      return resource;
    case 'true': {
      const summaryProps = getDataType(resource.resourceType).summaryProperties ?? new Set<string>();
      return subset(resource, (key) => summaryProps.has(key) || summaryProps.has(key.replace(/[A-Z].*$/, '')));
    }
    case 'text':
      return subset(resource, (key) => key === 'text' || isMandatory(resource, key));
    case 'data':
      return subset(resource, (key) => key !== 'text');
    case 'count':
      return resource;
    default:
      throw badRequest(`Invalid _summary: ${summary} (expected true, false, text, data or count)`);
  }
}

function isMandatory(resource: Resource, key: string): boolean {
  return getDataType(resource.resourceType).mandatoryProperties?.has(key) ?? false;
}

function subset<T extends Resource>(resource: T, keep: (key: string) => boolean): T {
  const result: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(resource)) {
    if (ALWAYS.has(key) || keep(key)) result[key] = value;
  }
  const meta = { ...(resource.meta ?? {}) };
  meta.tag = [...(meta.tag ?? []), { system: 'http://terminology.hl7.org/CodeSystem/v3-ObservationValue', code: 'SUBSETTED' }];
  result.meta = meta;
  return result as T;
}
