/**
 * Validation on every write and for $validate: base R4 structure, types, cardinality and FHIRPath invariants
 * (@medplum/core, plus check-json-form.ts for what it misses: ids, empty values, narrative XHTML, Bundle rules), required value-set bindings (our own check, medplum does not do bindings), and every profile
 * in meta.profile that the server knows, checked by our own profile checker (check-profiles.ts: R4 pattern and
 * slicing semantics, which @medplum/core gets wrong for nested slices such as the core bp profile's).
 * A base failure answers 400; a binding or profile failure 422 (the spec's status for business-rule failures).
 */
import { getDataType, isDataTypeLoaded, OperationOutcomeError, validateResource } from '@medplum/core';
import type { OperationOutcomeIssue, Resource } from '@medplum/fhirtypes';
import { FhirError, outcome } from '../errors';
import { terminology } from '../terminology/terminology-store';
import { checkBindings } from './check-bindings';
import { collectBoundValues, type BindingSelection } from './collect-bound-values';
import { acceptBase64Whitespace, checkJsonForm } from './check-json-form';
import { checkProfiles } from './check-profiles';

export interface ValidationOptions {
  /** Validate against this profile (canonical URL) as well as those in meta.profile; unknown → an error issue. */
  profile?: string;
}

export interface ValidationReport {
  issues: OperationOutcomeIssue[];
  /** 400 for a base (structure, type, cardinality, invariant) error, 422 for a binding or profile error. */
  failureStatus?: 400 | 422;
}

const ALL_STRENGTHS = new Set(['required', 'extensible', 'preferred'] as const);
/** Base R4: only required bindings bind; a known extension's own bindings apply in full wherever it is used. */
const BASE_BINDINGS: BindingSelection = { strengths: new Set(['required']), extensionStrengths: ALL_STRENGTHS };

export function validateFully(resource: Resource, options: ValidationOptions = {}): ValidationReport {
  const base = baseIssues(resource);
  const baseFailed = base.some(isError);
  const rest: OperationOutcomeIssue[] = [];
  if (isDataTypeLoaded(resource.resourceType)) {
    rest.push(...checkBindings(collectBoundValues(resource, getDataType(resource.resourceType), BASE_BINDINGS), terminology()));
    rest.push(...checkProfiles(resource, options.profile));
  }
  const issues = dedupe([...base, ...rest]);
  const failureStatus = baseFailed ? 400 : rest.some(isError) ? 422 : undefined;
  return { issues, failureStatus };
}

/** Medplum's base validation, corrected (base64 whitespace) and completed (check-json-form.ts), one issue per problem. */
function baseIssues(resource: Resource): OperationOutcomeIssue[] {
  const medplum = acceptBase64Whitespace(runMedplum(resource), resource);
  const emptyAt = new Set(medplum.filter((i) => i.details?.text?.startsWith('Invalid empty')).map((i) => i.expression?.[0]));
  const form = checkJsonForm(resource).filter((i) => !(i.details?.text?.startsWith('Empty ') && emptyAt.has(i.expression?.[0])));
  return [...medplum, ...form];
}

/** All issues (errors and warnings) found in `resource`; never throws for an invalid resource. */
export function collectIssues(resource: Resource, options: ValidationOptions = {}): OperationOutcomeIssue[] {
  return validateFully(resource, options).issues;
}

/** Throws a 400/422 OperationOutcome (one issue per problem) if `resource` is invalid; returns the warnings. */
export function assertValidResource(resource: Resource, options: ValidationOptions = {}): OperationOutcomeIssue[] {
  const report = validateFully(resource, options);
  if (report.failureStatus) throw new FhirError(report.failureStatus, outcome(...report.issues));
  return report.issues;
}

function runMedplum(resource: Resource): OperationOutcomeIssue[] {
  try {
    return validateResource(resource).map(withMessage);
  } catch (err) {
    if (err instanceof OperationOutcomeError) return (err.outcome.issue ?? []).map(withMessage);
    throw err;
  }
}

function withMessage(problem: OperationOutcomeIssue): OperationOutcomeIssue {
  const text = problem.details?.text ?? problem.diagnostics ?? 'Invalid resource';
  const where = problem.expression?.[0];
  return { ...problem, diagnostics: where ? `${text} (at ${where})` : text, details: { text } };
}

/** A profile repeats the base checks; report each problem once. */
function dedupe(issues: OperationOutcomeIssue[]): OperationOutcomeIssue[] {
  const seen = new Set<string>();
  return issues.filter((i) => {
    const key = `${i.severity}|${i.expression?.join(',') ?? ''}|${i.details?.text ?? i.diagnostics}`;
    if (seen.has(key)) return false;
    seen.add(key);
    return true;
  });
}

function isError(problem: OperationOutcomeIssue): boolean {
  return problem.severity === 'error' || problem.severity === 'fatal';
}
