/**
 * The resource types whose instances form a hierarchy through a reference to their own type (R4 search.html#modifiers:
 * `:above`/`:below` on a reference parameter follow it, e.g. `Procedure?location:below=Location/X`). A closed list:
 * the SQL takes the type and its parent parameter from here, never from the request.
 */
import type { RegisteredParam } from './registry';

export const HIERARCHY_PARENT_PARAM: Readonly<Record<string, string>> = {
  Location: 'partof',
  Organization: 'partof',
};

/** Levels followed up or down a hierarchy; the recursion stops there, so cycles (A partOf B partOf A) end too. */
export const MAX_HIERARCHY_DEPTH = 10;

const LOCAL = /^(?:([A-Z][A-Za-z]+)\/)?([A-Za-z0-9\-.]{1,64})(?:\/_history\/[^/]+)?$/;

/**
 * A reference search value as `Type/id` on a hierarchical type, or the reason it cannot be followed: the type comes
 * from the value, or from the parameter when exactly one of its target types has a hierarchy.
 */
export function hierarchyReference(param: RegisteredParam, value: string): { type: string; id: string } | { unsupported: string } {
  const local = LOCAL.exec(value);
  const hierarchical = Object.keys(HIERARCHY_PARENT_PARAM);
  if (!local) return { unsupported: `${value} is not a reference to a resource on this server, so its hierarchy cannot be followed` };
  const candidates = param.targets.filter((t) => hierarchical.includes(t));
  const type = local[1] ?? (candidates.length === 1 ? candidates[0] : undefined);
  if (!type) return { unsupported: `${param.code}: name the type in the value (${hierarchical.map((t) => `${t}/id`).join(' or ')})` };
  if (!hierarchical.includes(type)) return { unsupported: `${type} has no partOf hierarchy to follow (only ${hierarchical.join(', ')})` };
  if (!param.targets.includes(type) && !param.targets.includes('Resource' as never) && param.targets.length > 0) {
    return { unsupported: `${param.code} cannot refer to ${type}` };
  }
  return { type, id: local[2] };
}
