/**
 * Validation on every write: base R4 structure, types, cardinality and FHIRPath invariants (@medplum/core).
 * Throws a 400 OperationOutcome with one issue per problem, each with its FHIRPath location.
 */
import { OperationOutcomeError, validateResource } from '@medplum/core';
import type { OperationOutcomeIssue, Resource } from '@medplum/fhirtypes';
import { FhirError, outcome } from '../errors';

export interface ValidationOptions {
  /** Validate against this profile (canonical URL) in addition to the base definition. */
  profile?: string;
}

/** All issues (errors and warnings) found in `resource`; never throws for an invalid resource. */
export function collectIssues(resource: Resource, options: ValidationOptions = {}): OperationOutcomeIssue[] {
  try {
    void options; // profiles and bindings: see the validation issue's follow-up (profile registry)
    const issues = validateResource(resource);
    return issues.map(withMessage);
  } catch (err) {
    if (err instanceof OperationOutcomeError) return (err.outcome.issue ?? []).map(withMessage);
    throw err;
  }
}

export function assertValidResource(resource: Resource, options: ValidationOptions = {}): OperationOutcomeIssue[] {
  const issues = collectIssues(resource, options);
  const errors = issues.filter((i) => i.severity === 'error' || i.severity === 'fatal');
  if (errors.length > 0) throw new FhirError(400, outcome(...issues));
  return issues;
}

function withMessage(issue: OperationOutcomeIssue): OperationOutcomeIssue {
  const text = issue.details?.text ?? issue.diagnostics ?? 'Invalid resource';
  const where = issue.expression?.[0];
  return { ...issue, diagnostics: where ? `${text} (at ${where})` : text, details: { text } };
}
