/** `_summary` and `_elements`: the subset of a resource a client asked for, marked SUBSETTED. */
import { getDataType } from '@medplum/core';
import type { Resource } from '@medplum/fhirtypes';
import { badRequest } from '../errors';
import { summaryElement } from './summary-elements';

const ALWAYS = new Set(['resourceType', 'id', 'meta']);

export function summarizeResource<T extends Resource>(resource: T, summary?: string, elements?: string[]): T {
  // Mandatory elements stay, so the subset is still a valid resource (as the spec asks of _elements).
  if (elements && elements.length > 0) return subset(resource, (key) => elements.includes(key) || isMandatory(resource, key));
  switch (summary) {
    case undefined:
    case 'false':
      return resource;
    case 'true':
      return subset(summaryOf(resource, resource.resourceType) as T, () => true);
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

/** The summary elements of an object at `path`, recursing into backbone elements (R4 isSummary at every level). */
function summaryOf(value: unknown, path: string): unknown {
  if (Array.isArray(value)) return value.map((item) => summaryOf(item, path));
  if (!value || typeof value !== 'object') return value;
  const result: Record<string, unknown> = {};
  for (const [key, child] of Object.entries(value)) {
    if (path === (value as Resource).resourceType && ALWAYS.has(key)) {
      result[key] = child;
      continue;
    }
    const element = summaryElement(path, key);
    if (element.summary) result[key] = element.childrenAt ? summaryOf(child, element.childrenAt) : child;
  }
  return result;
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
