/**
 * R4 semantics of fixed[x] and pattern[x] (https://hl7.org/fhir/R4/elementdefinition-definitions.html#ElementDefinition.pattern_x_):
 * fixed is an exact match (no extra elements, same array items in the same order); pattern is containment:
 * every element of the pattern must be in the instance, primitives equal, and each item of a pattern array must
 * match at least one item of the instance array. Extra codings, extra elements and extra array items are allowed.
 */

/** The primitive inside a value, unwrapping the String/Number/Boolean objects that carry primitive extensions. */
function primitiveOf(value: unknown): unknown {
  return value instanceof String || value instanceof Number || value instanceof Boolean ? value.valueOf() : value;
}

function isPlainObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value) && !(value instanceof String || value instanceof Number || value instanceof Boolean);
}

/** Does `value` contain `pattern`? */
export function matchesPattern(value: unknown, pattern: unknown): boolean {
  if (Array.isArray(pattern)) {
    if (!Array.isArray(value)) return false;
    return pattern.every((p) => value.some((v) => matchesPattern(v, p)));
  }
  if (isPlainObject(pattern)) {
    if (!isPlainObject(value)) return false;
    for (const key in pattern) {
      if (!(key in value) || !matchesPattern(value[key], pattern[key])) return false;
    }
    return true;
  }
  return primitiveOf(value) === pattern;
}

/** Is `value` exactly `fixed`? */
export function matchesFixed(value: unknown, fixed: unknown): boolean {
  if (Array.isArray(fixed)) {
    return Array.isArray(value) && value.length === fixed.length && fixed.every((f, i) => matchesFixed(value[i], f));
  }
  if (isPlainObject(fixed)) {
    if (!isPlainObject(value)) return false;
    const keys = Object.keys(value).filter((k) => value[k] !== undefined);
    return keys.length === Object.keys(fixed).length && keys.every((k) => k in fixed && matchesFixed(value[k], fixed[k]));
  }
  return primitiveOf(value) === fixed;
}
