/**
 * Typed errors that every layer throws and that the one mapper (http/error-mapper.ts) turns into an
 * OperationOutcome with the right status. Messages here are for clients: never put SQL or stack text in them.
 */
import type { OperationOutcome, OperationOutcomeIssue } from '@medplum/fhirtypes';

export type IssueType = OperationOutcomeIssue['code'];
export type IssueSeverity = OperationOutcomeIssue['severity'];

export class FhirError extends Error {
  constructor(
    readonly status: number,
    readonly outcome: OperationOutcome,
    readonly headers: Record<string, string> = {},
  ) {
    super(outcome.issue?.map((i) => i.diagnostics ?? i.details?.text).join('; ') ?? `HTTP ${status}`);
    this.name = 'FhirError';
  }
}

export function issue(severity: IssueSeverity, code: IssueType, message: string, expression?: string[]): OperationOutcomeIssue {
  return { severity, code, diagnostics: message, details: { text: message }, ...(expression?.length ? { expression } : {}) };
}

export function outcome(...issues: OperationOutcomeIssue[]): OperationOutcome {
  return { resourceType: 'OperationOutcome', issue: issues };
}

export function outcomeError(status: number, code: IssueType, message: string, expression?: string[]): FhirError {
  return new FhirError(status, outcome(issue('error', code, message, expression)));
}

export const badRequest = (message: string, expression?: string[]) => outcomeError(400, 'invalid', message, expression);
export const notFound = (message: string) => outcomeError(404, 'not-found', message);
export const gone = (message: string) => outcomeError(410, 'deleted', message);
export const methodNotAllowed = (message: string) => outcomeError(405, 'not-supported', message);
export const notAcceptable = (message: string) => outcomeError(406, 'not-supported', message);
export const unsupportedMediaType = (message: string) => outcomeError(415, 'not-supported', message);
export const payloadTooLarge = (message: string) => outcomeError(413, 'too-costly', message);
export const conflict = (message: string) => outcomeError(409, 'conflict', message);
export const preconditionFailed = (message: string) => outcomeError(412, 'conflict', message);
export const unprocessable = (message: string, expression?: string[]) => outcomeError(422, 'processing', message, expression);
export const notSupported = (message: string) => outcomeError(400, 'not-supported', message);
export const forbidden = (message: string) => outcomeError(403, 'forbidden', message);
