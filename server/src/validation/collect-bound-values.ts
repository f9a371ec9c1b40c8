/**
 * Walks a resource beside its type schema (base R4 or a profile) and returns every coded value that sits on an
 * element with a value-set binding, with its FHIRPath location. Walks backbone elements, complex datatypes
 * (a profile's constraints inside them included), choice types, contained resources, and extensions whose
 * definition the server knows (ours from profiles/: their value[x] bindings, sub-extensions of complex ones).
 * Element lookups are cached per schema, so the cost is one map read per property of the resource.
 */
import { getDataType, isDataTypeLoaded, tryGetProfile, type InternalSchemaElement, type InternalTypeSchema, type SliceDefinition } from '@medplum/core';
import type { ElementDefinitionBinding } from '@medplum/fhirtypes';

export type BindingStrength = ElementDefinitionBinding['strength'];

export interface BoundValue {
  /** FHIRPath location, e.g. `Patient.contact[0].gender` or `Observation.value.ofType(CodeableConcept)`. */
  path: string;
  binding: ElementDefinitionBinding;
  /** FHIR type of the value: code, Coding, CodeableConcept, Quantity, string, uri. */
  type: string;
  value: unknown;
}

export interface BindingSelection {
  /** Bindings of the resource's own elements to collect (base validation: required only). */
  strengths: ReadonlySet<BindingStrength>;
  /** Bindings inside known extensions: using an extension claims its definition, so all strengths apply. */
  extensionStrengths: ReadonlySet<BindingStrength>;
}

const CODED_TYPES = new Set(['code', 'Coding', 'CodeableConcept', 'Quantity', 'string', 'uri']);
const EXTENSION_KEYS = new Set(['extension', 'modifierExtension']);

interface ResolvedElement {
  key: string;
  element: InternalSchemaElement;
  type: string;
  /** The FHIRPath step for this property: `gender`, or `value.ofType(Quantity)` for a choice. */
  step: string;
}

/** Where element definitions are looked up: a schema and a key prefix (a profile's `code.coding`), then a fallback. */
interface Scope {
  schema: InternalTypeSchema;
  prefix: string;
  root: InternalTypeSchema;
  fallback?: Scope;
}

interface Walk {
  strengths: ReadonlySet<BindingStrength>;
  selection: BindingSelection;
  out: BoundValue[];
}

export function collectBoundValues(resource: object, root: InternalTypeSchema, selection: BindingSelection): BoundValue[] {
  const walk: Walk = { strengths: selection.strengths, selection, out: [] };
  walkObject(resource as Record<string, unknown>, { schema: root, prefix: '', root }, root.type, walk);
  return walk.out;
}

function walkObject(obj: Record<string, unknown>, scope: Scope, path: string, walk: Walk): void {
  for (const key in obj) {
    if (key === 'resourceType' || key.startsWith('_')) continue;
    const value = obj[key];
    if (value === null || value === undefined) continue;
    if (EXTENSION_KEYS.has(key)) {
      if (Array.isArray(value)) value.forEach((item, i) => walkExtension(item, scope, `${path}.${key}[${i}]`, walk));
      continue;
    }
    const resolved = resolve(scope, key);
    if (!resolved) continue;
    if (Array.isArray(value)) {
      for (let i = 0; i < value.length; i++) visit(value[i], resolved, scope, `${path}.${resolved.step}[${i}]`, walk);
    } else {
      visit(value, resolved, scope, `${path}.${resolved.step}`, walk);
    }
  }
}

function visit(item: unknown, resolved: ResolvedElement, scope: Scope, path: string, walk: Walk): void {
  const { element, type } = resolved;
  if (element.binding && walk.strengths.has(element.binding.strength) && CODED_TYPES.has(type)) {
    walk.out.push({ path, binding: element.binding, type, value: item });
  }
  if (typeof item !== 'object' || item === null || Array.isArray(item)) return;
  if (type === 'Resource') {
    const resourceType = (item as { resourceType?: unknown }).resourceType;
    if (typeof resourceType !== 'string' || !isDataTypeLoaded(resourceType)) return;
    const schema = getDataType(resourceType);
    walkObject(item as Record<string, unknown>, { schema, prefix: '', root: schema }, path, walk);
    return;
  }
  const child = childScope(scope, resolved);
  if (child) walkObject(item as Record<string, unknown>, child, path, walk);
}

/** An extension: a sub-extension slice of the complex extension we are in, or a definition known by its URL. */
function walkExtension(item: unknown, scope: Scope, path: string, walk: Walk): void {
  const url = (item as { url?: unknown } | null)?.url;
  if (typeof url !== 'string') return;
  const sub = scope.schema.type === 'Extension' ? subExtensionSchema(scope.schema, url) : undefined;
  const schema = sub ?? knownExtension(url);
  if (!schema) return;
  const inner: Walk = { ...walk, strengths: walk.selection.extensionStrengths };
  walkObject(item as Record<string, unknown>, { schema, prefix: '', root: sub ? scope.root : schema }, path, inner);
}

function knownExtension(url: string): InternalTypeSchema | undefined {
  const schema = tryGetProfile(url);
  return schema?.type === 'Extension' ? schema : undefined;
}

const subExtensionCache = new WeakMap<InternalTypeSchema, Map<string, InternalTypeSchema | null>>();

/** The slice of a complex extension whose fixed `url` is `url`, as a schema of its own elements. */
function subExtensionSchema(extension: InternalTypeSchema, url: string): InternalTypeSchema | undefined {
  let byUrl = subExtensionCache.get(extension);
  if (!byUrl) {
    byUrl = new Map();
    subExtensionCache.set(extension, byUrl);
  }
  let schema = byUrl.get(url);
  if (schema === undefined) {
    const slice = extension.elements.extension?.slicing?.slices.find((s: SliceDefinition) => s.elements?.url?.fixed?.value === url);
    schema = slice?.elements ? { ...extension, name: `${extension.name}.${slice.name}`, elements: slice.elements, innerTypes: [] } : null;
    byUrl.set(url, schema);
  }
  return schema ?? undefined;
}

function childScope(scope: Scope, resolved: ResolvedElement): Scope | undefined {
  const inner = innerTypeAt(scope.root, resolved.element.path);
  if (inner) return { schema: inner, prefix: '', root: scope.root };
  if (!isDataTypeLoaded(resolved.type)) return undefined;
  const base: Scope = { schema: getDataType(resolved.type), prefix: '', root: scope.root };
  const prefix = `${scope.prefix}${resolved.key}.`;
  // A profile constrains elements inside a datatype with dotted keys (`code.coding`); look there first.
  return constrainedPrefixes(scope.schema).has(prefix) ? { schema: scope.schema, prefix, root: scope.root, fallback: base } : base;
}

function resolve(scope: Scope, key: string): ResolvedElement | undefined {
  return resolveIn(scope.schema, scope.prefix, key) ?? (scope.fallback ? resolve(scope.fallback, key) : undefined);
}

const resolvedCache = new WeakMap<InternalTypeSchema, Map<string, ResolvedElement | null>>();

function resolveIn(schema: InternalTypeSchema, prefix: string, key: string): ResolvedElement | undefined {
  let cache = resolvedCache.get(schema);
  if (!cache) {
    cache = new Map();
    resolvedCache.set(schema, cache);
  }
  const cacheKey = prefix + key;
  let resolved = cache.get(cacheKey);
  if (resolved === undefined) {
    resolved = findElement(schema, prefix, key) ?? null;
    cache.set(cacheKey, resolved);
  }
  return resolved ?? undefined;
}

function findElement(schema: InternalTypeSchema, prefix: string, key: string): ResolvedElement | undefined {
  const exact = schema.elements[prefix + key];
  if (exact) return { key, element: exact, type: exact.type?.[0]?.code ?? '', step: key };
  for (const [name, element] of Object.entries(schema.elements)) {
    if (!name.startsWith(prefix) || !name.endsWith('[x]')) continue;
    const base = name.slice(prefix.length, -3);
    if (base.includes('.') || !key.startsWith(base)) continue;
    const suffix = key.slice(base.length);
    const type = element.type?.find((t) => upperFirst(t.code) === suffix);
    if (type) return { key: `${base}[x]`, element, type: type.code, step: `${base}.ofType(${type.code})` };
  }
  return undefined;
}

const innerTypeCache = new WeakMap<InternalTypeSchema, Map<string, InternalTypeSchema>>();

/** A backbone element's type within this root (a profile's own version of it, if the root is a profile). */
function innerTypeAt(root: InternalTypeSchema, elementPath: string): InternalTypeSchema | undefined {
  let byPath = innerTypeCache.get(root);
  if (!byPath) {
    byPath = new Map((root.innerTypes ?? []).map((t) => [t.path, t]));
    innerTypeCache.set(root, byPath);
  }
  return byPath.get(elementPath);
}

const prefixCache = new WeakMap<InternalTypeSchema, Set<string>>();

function constrainedPrefixes(schema: InternalTypeSchema): Set<string> {
  let prefixes = prefixCache.get(schema);
  if (!prefixes) {
    prefixes = new Set();
    for (const name of Object.keys(schema.elements)) {
      let dot = name.indexOf('.');
      while (dot >= 0) {
        prefixes.add(name.slice(0, dot + 1));
        dot = name.indexOf('.', dot + 1);
      }
    }
    prefixCache.set(schema, prefixes);
  }
  return prefixes;
}

function upperFirst(text: string): string {
  return text.charAt(0).toUpperCase() + text.slice(1);
}
