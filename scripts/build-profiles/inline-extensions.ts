/**
 * Snapshot fix-up for @medplum/core's validator: an extension slice in a profile snapshot must carry the
 * extension's own elements (`url` with its fixed value, `value[x]` with its types, nested slices), because the
 * validator matches an extension to its slice by the fixed `url` under the slice and checks the value against
 * the elements it finds there. SUSHI's snapshot only names the extension's profile on the slice.
 */

export interface ElementDefinitionLike {
  id?: string;
  path: string;
  sliceName?: string;
  type?: { code: string; profile?: string[] }[];
  constraint?: { key: string }[];
  [key: string]: unknown;
}

export interface StructureDefinitionLike {
  resourceType: 'StructureDefinition';
  url: string;
  type: string;
  snapshot?: { element: ElementDefinitionLike[] };
  [key: string]: unknown;
}

/** Constraints every Element/Extension already has; not copied onto slices. */
const BASE_CONSTRAINTS = new Set(['ele-1', 'ext-1']);

export function inlineExtensionSlices(
  profile: StructureDefinitionLike,
  extensionsByUrl: Map<string, StructureDefinitionLike>,
): StructureDefinitionLike {
  const elements = profile.snapshot?.element;
  if (!elements) return profile;
  const result: ElementDefinitionLike[] = [];
  for (let i = 0; i < elements.length; i++) {
    const element = elements[i];
    result.push(element);
    const extension = extensionSliceDefinition(element, extensionsByUrl);
    if (!extension) continue;
    const prefix = `${element.id}.`;
    const existing = new Map<string, ElementDefinitionLike>();
    while (i + 1 < elements.length && elements[i + 1].id?.startsWith(prefix)) {
      const child = elements[++i];
      existing.set(child.id as string, child);
    }
    addExtensionConstraints(element, extension);
    for (const child of extensionChildren(element, extension)) {
      const own = existing.get(child.id as string);
      result.push(own ?? child);
      existing.delete(child.id as string);
    }
    result.push(...existing.values());
  }
  return { ...profile, snapshot: { element: result } };
}

function extensionSliceDefinition(
  element: ElementDefinitionLike,
  extensionsByUrl: Map<string, StructureDefinitionLike>,
): StructureDefinitionLike | undefined {
  if (!element.sliceName) return undefined;
  const last = element.path.split('.').pop();
  if (last !== 'extension' && last !== 'modifierExtension') return undefined;
  const url = element.type?.[0]?.code === 'Extension' ? element.type[0].profile?.[0] : undefined;
  if (!url) return undefined;
  const extension = extensionsByUrl.get(url.split('|')[0]);
  if (!extension?.snapshot) throw new Error(`Extension ${url} used by ${element.id} has no snapshot to inline`);
  return extension;
}

/**
 * The extension's direct children (id, extension, url, value[x]) re-rooted under the slice. Sub-extension slices of
 * a complex extension are left out: @medplum/core would attach their slicing to the profile's own extension
 * element (it keys elements by path, and paths carry no slice names). Profiles state such rules as invariants.
 */
function extensionChildren(slice: ElementDefinitionLike, extension: StructureDefinitionLike): ElementDefinitionLike[] {
  const [, ...children] = extension.snapshot?.element ?? [];
  return children
    .filter((child) => /^Extension\.[^.:]+$/.test(child.id ?? child.path))
    .map((child) => {
      const copy = structuredClone(child);
      delete copy.slicing;
      copy.id = `${slice.id}${(child.id ?? child.path).slice('Extension'.length)}`;
      copy.path = `${slice.path}${child.path.slice('Extension'.length)}`;
      return copy;
    });
}

function addExtensionConstraints(slice: ElementDefinitionLike, extension: StructureDefinitionLike): void {
  const root = extension.snapshot?.element[0];
  const own = new Set((slice.constraint ?? []).map((c) => c.key));
  for (const constraint of root?.constraint ?? []) {
    if (BASE_CONSTRAINTS.has(constraint.key) || own.has(constraint.key)) continue;
    slice.constraint = [...(slice.constraint ?? []), structuredClone(constraint)];
  }
}
