/**
 * One CodeSystem's concepts flattened into a map, with the hierarchy (nested concepts, `parent`/`child` and
 * `subsumedBy` properties) so lookups, filters and subsumption are map reads instead of tree walks.
 */
import type { CodeSystem, CodeSystemConcept, CodeSystemConceptDesignation, CodeSystemConceptProperty } from '@medplum/fhirtypes';

export interface ConceptEntry {
  code: string;
  display?: string;
  definition?: string;
  designation?: CodeSystemConceptDesignation[];
  property: CodeSystemConceptProperty[];
  parents: Set<string>;
  children: Set<string>;
  abstract: boolean;
  inactive: boolean;
}

const PARENT_PROPERTIES = new Set(['parent', 'subsumedBy']);
const INACTIVE_STATUSES = new Set(['retired', 'inactive', 'deprecated']);

export class CodeSystemIndex {
  readonly url: string;
  readonly caseSensitive: boolean;
  /** True when every concept of the system is listed here (content = complete); a fragment is usable but partial. */
  readonly complete: boolean;
  readonly concepts = new Map<string, ConceptEntry>();
  private readonly lowerCase = new Map<string, ConceptEntry>();
  private readonly descendantCache = new Map<string, Set<string>>();

  constructor(readonly codeSystem: CodeSystem) {
    this.url = codeSystem.url ?? '';
    this.caseSensitive = codeSystem.caseSensitive !== false;
    this.complete = codeSystem.content === undefined || codeSystem.content === 'complete';
    for (const concept of codeSystem.concept ?? []) this.addConcept(concept, undefined);
    this.linkProperties();
    if (!this.caseSensitive) for (const entry of this.concepts.values()) this.lowerCase.set(entry.code.toLowerCase(), entry);
  }

  get hasHierarchy(): boolean {
    for (const entry of this.concepts.values()) if (entry.parents.size > 0) return true;
    return false;
  }

  get(code: string): ConceptEntry | undefined {
    return this.concepts.get(code) ?? (this.caseSensitive ? undefined : this.lowerCase.get(code.toLowerCase()));
  }

  /** Every concept below `code` (not including it). */
  descendants(code: string): Set<string> {
    const start = this.get(code)?.code;
    if (!start) return new Set();
    let result = this.descendantCache.get(start);
    if (!result) {
      result = new Set();
      const queue = [...(this.concepts.get(start)?.children ?? [])];
      while (queue.length > 0) {
        const next = queue.pop()!;
        if (result.has(next) || next === start) continue;
        result.add(next);
        queue.push(...(this.concepts.get(next)?.children ?? []));
      }
      this.descendantCache.set(start, result);
    }
    return result;
  }

  /** True when `ancestor` subsumes `code` (is it, or is above it). */
  subsumes(ancestor: string, code: string): boolean {
    const a = this.get(ancestor)?.code;
    const c = this.get(code)?.code;
    if (!a || !c) return false;
    return a === c || this.descendants(a).has(c);
  }

  private addConcept(concept: CodeSystemConcept, parent: string | undefined): void {
    if (!concept.code) return;
    let entry = this.concepts.get(concept.code);
    if (!entry) {
      const property = concept.property ?? [];
      entry = {
        code: concept.code,
        display: concept.display,
        definition: concept.definition,
        designation: concept.designation,
        property,
        parents: new Set(),
        children: new Set(),
        abstract: property.some((p) => (p.code === 'notSelectable' || p.code === 'abstract') && p.valueBoolean === true),
        inactive: property.some((p) => (p.code === 'inactive' && p.valueBoolean === true)
          || (p.code === 'status' && INACTIVE_STATUSES.has(String(p.valueCode ?? p.valueString ?? '')))),
      };
      this.concepts.set(concept.code, entry);
    }
    if (parent) entry.parents.add(parent);
    for (const child of concept.concept ?? []) {
      if (child.code) entry.children.add(child.code);
      this.addConcept(child, concept.code);
    }
  }

  /** Hierarchy given by properties rather than nesting. */
  private linkProperties(): void {
    for (const entry of this.concepts.values()) {
      for (const property of entry.property) {
        const other = property.valueCode ?? property.valueString;
        if (!other || !this.concepts.has(other)) continue;
        if (PARENT_PROPERTIES.has(property.code ?? '')) {
          entry.parents.add(other);
          this.concepts.get(other)!.children.add(entry.code);
        } else if (property.code === 'child') {
          entry.children.add(other);
          this.concepts.get(other)!.parents.add(entry.code);
        }
      }
    }
  }
}
