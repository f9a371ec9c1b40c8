/**
 * Compiles a profile's snapshot into a tree of element constraints, once per StructureDefinition: children by
 * name, slices under the element they slice (nested slices included, which @medplum/core flattens), fixed[x] and
 * pattern[x] values, and the invariants the base R4 validation does not already evaluate, parsed once.
 */
import { getAllDataTypes, parseFhirPath, type FhirPathAtom } from '@medplum/core';
import type { ElementDefinition, ElementDefinitionBinding, StructureDefinition } from '@medplum/fhirtypes';

export interface ElementType {
  code: string;
  profile?: string[];
}

/** A fixed[x] or pattern[x] value with its FHIR type (`Coding`, `code`, …). */
export interface SpecifiedValue {
  type: string;
  value: unknown;
}

export interface Invariant {
  key: string;
  human: string;
  expression: string;
  atom: FhirPathAtom;
}

export interface Discriminator {
  type: 'value' | 'pattern' | 'type' | 'exists' | 'profile';
  path: string;
}

export interface Slicing {
  discriminators: Discriminator[];
  rules: 'open' | 'closed' | 'openAtEnd';
  ordered: boolean;
  slices: ElementNode[];
}

export interface ElementNode {
  id: string;
  path: string;
  /** The last step of the path: `component`, `value[x]`. */
  name: string;
  sliceName?: string;
  min: number;
  max: number;
  types: ElementType[];
  fixed?: SpecifiedValue;
  pattern?: SpecifiedValue;
  binding?: ElementDefinitionBinding;
  invariants: Invariant[];
  children: Map<string, ElementNode>;
  slicing?: Slicing;
  /** `#Questionnaire.item`: the children are those of that element. */
  contentReference?: string;
}

export interface ElementTree {
  url: string;
  type: string;
  root: ElementNode;
}

const compiled = new WeakMap<StructureDefinition, ElementTree>();

/** The tree of `definition`, compiled on first use and kept as long as the definition object lives. */
export function elementTreeOf(definition: StructureDefinition): ElementTree {
  let tree = compiled.get(definition);
  if (!tree) {
    tree = compileElementTree(definition);
    compiled.set(definition, tree);
  }
  return tree;
}

export function compileElementTree(definition: StructureDefinition): ElementTree {
  const elements = definition.snapshot?.element ?? [];
  if (elements.length === 0) throw new Error(`StructureDefinition ${definition.url} has no snapshot`);
  const byId = new Map<string, ElementNode>();
  let root: ElementNode | undefined;
  for (const element of elements) {
    const node = toNode(element);
    byId.set(node.id, node);
    if (!root) {
      root = node;
      continue;
    }
    attach(node, byId);
  }
  for (const node of byId.values()) {
    if (node.contentReference) node.children = byId.get(node.contentReference)?.children ?? node.children;
  }
  return { url: definition.url ?? '', type: definition.type ?? root!.path, root: root! };
}

function attach(node: ElementNode, byId: Map<string, ElementNode>): void {
  const lastDot = lastStepStart(node.id);
  const lastStep = node.id.slice(lastDot + 1);
  if (node.sliceName !== undefined && lastStep.includes(':')) {
    // `a.b:slice` (or the re-slice `a.b:slice/sub`) belongs to the slicing of `a.b` (or of `a.b:slice`).
    const cut = Math.max(node.id.lastIndexOf('/'), node.id.lastIndexOf(':'));
    const sliced = byId.get(node.id.slice(0, cut));
    if (sliced) (sliced.slicing ??= { discriminators: [], rules: 'open', ordered: false, slices: [] }).slices.push(node);
    return;
  }
  const parent = byId.get(node.id.slice(0, lastDot));
  parent?.children.set(node.name, node);
}

/** Where the last step of an element id starts (slice names may not contain dots, so the last dot). */
function lastStepStart(id: string): number {
  return id.lastIndexOf('.');
}

function toNode(element: ElementDefinition): ElementNode {
  const id = element.id ?? element.path;
  const name = element.path.slice(element.path.lastIndexOf('.') + 1);
  const node: ElementNode = {
    id,
    path: element.path,
    name,
    sliceName: element.sliceName,
    min: element.min ?? 0,
    max: element.max === undefined || element.max === '*' ? Infinity : Number(element.max),
    types: (element.type ?? []).map((t) => ({ code: typeCode(t), profile: t.profile })),
    fixed: specifiedValue(element, 'fixed'),
    pattern: specifiedValue(element, 'pattern'),
    binding: element.binding,
    invariants: compileInvariants(element),
    children: new Map(),
    contentReference: element.contentReference?.slice(element.contentReference.indexOf('#') + 1),
  };
  if (element.slicing) {
    node.slicing = {
      discriminators: (element.slicing.discriminator ?? []).map((d) => ({ type: d.type as Discriminator['type'], path: d.path ?? '$this' })),
      rules: element.slicing.rules ?? 'open',
      ordered: element.slicing.ordered ?? false,
      slices: [],
    };
  }
  return node;
}

const FHIR_TYPE_EXTENSION = 'http://hl7.org/fhir/StructureDefinition/structuredefinition-fhir-type';

function typeCode(type: NonNullable<ElementDefinition['type']>[number]): string {
  return type.extension?.find((e) => e.url === FHIR_TYPE_EXTENSION)?.valueUrl ?? type.code;
}

function specifiedValue(element: ElementDefinition, prefix: 'fixed' | 'pattern'): SpecifiedValue | undefined {
  for (const key in element) {
    if (key.startsWith(prefix) && key.length > prefix.length) {
      const type = key.slice(prefix.length);
      return { type: isPrimitiveName(type) ? lowerFirst(type) : type, value: (element as unknown as Record<string, unknown>)[key] };
    }
  }
  return undefined;
}

function compileInvariants(element: ElementDefinition): Invariant[] {
  const invariants: Invariant[] = [];
  for (const constraint of element.constraint ?? []) {
    if (constraint.severity !== 'error' || !constraint.expression || !constraint.key) continue;
    if (baseConstraintKeys().has(constraint.key)) continue; // base R4 validation already evaluates it
    invariants.push({ key: constraint.key, human: constraint.human ?? constraint.key, expression: constraint.expression, atom: parseFhirPath(constraint.expression) });
  }
  return invariants;
}

let baseKeys: Set<string> | undefined;

/** Keys of every invariant in the base R4 types and resources (as indexed by @medplum/core). */
function baseConstraintKeys(): Set<string> {
  if (!baseKeys) {
    baseKeys = new Set();
    for (const schema of Object.values(getAllDataTypes())) {
      for (const c of schema.constraints ?? []) baseKeys.add(c.key);
      for (const element of Object.values(schema.elements)) for (const c of element.constraints ?? []) baseKeys.add(c.key);
    }
  }
  return baseKeys;
}

const PRIMITIVES = new Set([
  'Base64Binary', 'Boolean', 'Canonical', 'Code', 'Date', 'DateTime', 'Decimal', 'Id', 'Instant', 'Integer', 'Markdown',
  'Oid', 'PositiveInt', 'String', 'Time', 'UnsignedInt', 'Uri', 'Url', 'Uuid', 'Xhtml',
]);

export function isPrimitiveName(typeSuffix: string): boolean {
  return PRIMITIVES.has(typeSuffix);
}

function lowerFirst(text: string): string {
  return text.charAt(0).toLowerCase() + text.slice(1);
}
