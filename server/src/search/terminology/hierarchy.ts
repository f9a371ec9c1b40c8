/**
 * A CodeSystem's is-a hierarchy (nested `concept`, or `parent`/`child` concept properties) for token :above/:below
 * and for ValueSet filters (is-a, descendent-of).
 */
import type { CodeSystem, CodeSystemConcept } from '@medplum/fhirtypes';

export class CodeHierarchy {
  private readonly parents = new Map<string, Set<string>>();
  private readonly children = new Map<string, Set<string>>();
  readonly codes = new Set<string>();

  constructor(codeSystem: CodeSystem) {
    const visit = (concepts: CodeSystemConcept[] | undefined, parent: string | undefined) => {
      for (const concept of concepts ?? []) {
        if (!concept.code) continue;
        this.codes.add(concept.code);
        if (parent) this.link(parent, concept.code);
        for (const property of concept.property ?? []) {
          if (property.code === 'parent' && property.valueCode) this.link(property.valueCode, concept.code);
          if (property.code === 'child' && property.valueCode) this.link(concept.code, property.valueCode);
        }
        visit(concept.concept, concept.code);
      }
    };
    visit(codeSystem.concept, undefined);
  }

  get hasHierarchy(): boolean {
    return this.children.size > 0;
  }

  /** The code and every descendant. */
  below(code: string): string[] {
    return this.walk(code, this.children);
  }

  /** The code and every ancestor. */
  above(code: string): string[] {
    return this.walk(code, this.parents);
  }

  private link(parent: string, child: string): void {
    if (!this.children.has(parent)) this.children.set(parent, new Set());
    if (!this.parents.has(child)) this.parents.set(child, new Set());
    this.children.get(parent)!.add(child);
    this.parents.get(child)!.add(parent);
  }

  private walk(start: string, edges: Map<string, Set<string>>): string[] {
    const seen = new Set([start]);
    const queue = [start];
    while (queue.length > 0) {
      for (const next of edges.get(queue.pop()!) ?? []) {
        if (!seen.has(next)) {
          seen.add(next);
          queue.push(next);
        }
      }
    }
    return [...seen];
  }
}
