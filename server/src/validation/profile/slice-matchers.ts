/**
 * Which slice a value belongs to, by the slicing's discriminators (R4 profiling.html#discriminator), compiled once
 * per slicing. A value/pattern discriminator finds the fixed[x] or pattern[x] (or required binding) at its path in
 * the slice, looking into the required slices of a sliced element on the way (the R4 vital-signs profiles put
 * the LOINC code of `component:SystolicBP` in its `code.coding:SBPCode` slice); an instance matches when some value
 * at that path is exactly the fixed value or contains the pattern. A slicing we cannot evaluate is reported, not guessed.
 */
import type { TypedValue } from '@medplum/core';
import type { Discriminator, ElementNode, Slicing } from './element-tree';
import { parseDiscriminatorPath, selectPath, type PathStep } from './instance-values';
import { matchesFixed, matchesPattern } from './specified-values';

export interface MatchContext {
  /** Is the coded value in the value set? undefined when the value set cannot be expanded. */
  inValueSet(valueSet: string, value: TypedValue): boolean | undefined;
  /** Does the value conform to the profile? undefined when the profile is unknown. */
  conformsTo(value: TypedValue, profileUrl: string): boolean | undefined;
}

export type SliceMatcher = (value: TypedValue, ctx: MatchContext) => boolean;

export type CompiledSlicing = { matchers: SliceMatcher[]; problem?: undefined } | { matchers?: undefined; problem: string };

const cache = new WeakMap<Slicing, CompiledSlicing>();

export function compiledSlicing(slicing: Slicing): CompiledSlicing {
  let result = cache.get(slicing);
  if (!result) {
    result = compileSlicing(slicing);
    cache.set(slicing, result);
  }
  return result;
}

function compileSlicing(slicing: Slicing): CompiledSlicing {
  if (slicing.discriminators.length === 0) return { problem: 'the slicing has no discriminator' };
  const matchers: SliceMatcher[] = [];
  for (const slice of slicing.slices) {
    const parts: SliceMatcher[] = [];
    for (const discriminator of slicing.discriminators) {
      const part = compileDiscriminator(discriminator, slice);
      if (typeof part === 'string') return { problem: `slice '${slice.sliceName}': ${part}` };
      parts.push(part);
    }
    matchers.push((value, ctx) => parts.every((p) => p(value, ctx)));
  }
  return { matchers };
}

function compileDiscriminator(discriminator: Discriminator, slice: ElementNode): SliceMatcher | string {
  const steps = parseDiscriminatorPath(discriminator.path);
  if (!steps) return `discriminator path ${discriminator.path} cannot be evaluated here`;
  const targets = targetsAt(slice, steps);
  switch (discriminator.type) {
    case 'value':
    case 'pattern':
      return valueMatcher(slice, steps, targets) ?? `no fixed value, pattern or required binding at ${discriminator.path}`;
    case 'type': {
      const types = new Set(targets.flatMap((t) => t.types.map((type) => type.code.toLowerCase())));
      if (types.size === 0) return `no type at ${discriminator.path}`;
      return (value) => selectPath(value, steps).some((v) => types.has(v.type.toLowerCase()));
    }
    case 'exists': {
      const target = targets[0];
      if (target?.min && target.min > 0) return (value) => selectPath(value, steps).length > 0;
      if (target?.max === 0) return (value) => selectPath(value, steps).length === 0;
      return `${discriminator.path} is neither required nor prohibited`;
    }
    case 'profile': {
      const profiles = targets.flatMap((t) => t.types.flatMap((type) => type.profile ?? []));
      if (profiles.length === 0) return `no profile at ${discriminator.path}`;
      return (value, ctx) => selectPath(value, steps).some((v) => profiles.some((p) => ctx.conformsTo(v, p) === true));
    }
    default:
      return `discriminator type ${String(discriminator.type)} is not defined in R4`;
  }
}

function valueMatcher(slice: ElementNode, steps: PathStep[], targets: ElementNode[]): SliceMatcher | undefined {
  const checks: SliceMatcher[] = [];
  for (const target of targets) {
    const { fixed, pattern, binding } = target;
    if (fixed) checks.push((value) => selectPath(value, steps).some((v) => matchesFixed(v.value, fixed.value)));
    else if (pattern) checks.push((value) => selectPath(value, steps).some((v) => matchesPattern(v.value, pattern.value)));
    else if (binding?.strength === 'required' && binding.valueSet) {
      const valueSet = binding.valueSet;
      checks.push((value, ctx) => selectPath(value, steps).some((v) => ctx.inValueSet(valueSet, v) !== false));
    }
  }
  // Extensions are sliced by url; a slice that names its definition in type.profile need not repeat it as fixedUri.
  const profileUrl = slice.types[0]?.code === 'Extension' ? slice.types[0].profile?.[0] : undefined;
  if (checks.length === 0 && profileUrl && steps.length === 1 && steps[0].kind === 'child' && steps[0].name === 'url') {
    checks.push((value) => (value.value as { url?: unknown }).url === profileUrl);
  }
  if (checks.length === 0) return undefined;
  return (value, ctx) => checks.every((check) => check(value, ctx));
}

/**
 * The element definitions a discriminator path reaches inside a slice: the element itself and, where an element
 * on the way is sliced, the same path inside each of its required slices.
 */
export function targetsAt(node: ElementNode, steps: PathStep[]): ElementNode[] {
  if (steps.length === 0) return [node];
  const [step, ...rest] = steps;
  if (step.kind === 'this' || step.kind === 'ofType') return targetsAt(node, rest);
  if (step.kind === 'extension') {
    const slices = node.children.get('extension')?.slicing?.slices ?? [];
    return slices.filter((s) => extensionUrlOf(s) === step.url).flatMap((s) => targetsAt(s, rest));
  }
  const child = node.children.get(step.name) ?? node.children.get(`${step.name}[x]`);
  if (!child) return [];
  const required = (child.slicing?.slices ?? []).filter((s) => s.min > 0);
  return [...targetsAt(child, rest), ...required.flatMap((s) => targetsAt(s, rest))];
}

function extensionUrlOf(slice: ElementNode): string | undefined {
  const fixed = slice.children.get('url')?.fixed?.value;
  return typeof fixed === 'string' ? fixed : slice.types[0]?.profile?.[0];
}
