/**
 * `_elements` in an export: which top-level elements each type keeps. Each value is `element` (every type it
 * applies to) or `Type.element`; a resource keeps those, its mandatory elements, `id` and `meta`, and is tagged
 * SUBSETTED (R4 search.html#elements). A type that no listed element applies to is exported whole.
 */
import { isResourceType } from '@medplum/core';
import { badRequest } from '../errors';
import { summarizeResource } from '../fhir/summary';
import type { Resource } from '@medplum/fhirtypes';
import type { ExportRow } from './export-rows';

const ELEMENT = /^(?:([A-Z][A-Za-z]+)\.)?([a-z][A-Za-z0-9]*)$/;

/** The kick-off's `_elements` values, split and checked (400 for anything but top-level element names). */
export function parseExportElements(values: string[]): string[] {
  const elements = values.flatMap((v) => v.split(',')).map((e) => e.trim()).filter(Boolean);
  for (const element of elements) {
    const m = ELEMENT.exec(element);
    if (!m || (m[1] !== undefined && !isResourceType(m[1]))) {
      throw badRequest(`_elements: ${element} is not a top-level element such as status or Observation.code`);
    }
  }
  return [...new Set(elements)];
}

/** The element names kept for `resourceType`; empty = the whole resource. */
export function elementsForType(elements: string[], resourceType: string): string[] {
  return elements.flatMap((element) => {
    const m = ELEMENT.exec(element);
    if (!m) return [];
    return m[1] === undefined || m[1] === resourceType ? [m[2]] : [];
  });
}

/** The page's rows with each resource cut down to the elements kept for its type. */
export function withElements(rows: ExportRow[], resourceType: string, elements: string[]): ExportRow[] {
  const kept = elementsForType(elements, resourceType);
  if (kept.length === 0) return rows;
  return rows.map((row) => (row.json === undefined ? row : { ...row, json: JSON.stringify(summarizeResource(JSON.parse(row.json) as Resource, undefined, kept)) }));
}
