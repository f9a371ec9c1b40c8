/** `Prefer: return=minimal | representation | OperationOutcome` on the result of a write. */
import { issue, outcome } from '../errors';
import type { FhirResponse } from './types';

export function preferredReturn(prefer: string | undefined): 'minimal' | 'representation' | 'OperationOutcome' {
  const m = /return\s*=\s*(minimal|representation|OperationOutcome)/i.exec(prefer ?? '');
  if (!m) return 'representation';
  const value = m[1].toLowerCase();
  return value === 'minimal' ? 'minimal' : value === 'operationoutcome' ? 'OperationOutcome' : 'representation';
}

/** Applies Prefer to a successful write response (200/201 with a resource); other responses pass through. */
export function applyPreferReturn(response: FhirResponse, prefer: string | undefined): FhirResponse {
  if (response.status >= 300 || !response.body || response.body.resourceType === 'OperationOutcome') return response;
  switch (preferredReturn(prefer)) {
    case 'minimal':
      return { ...response, body: undefined };
    case 'OperationOutcome':
      return {
        ...response,
        body: outcome(
          issue('information', 'informational', `${response.status === 201 ? 'Created' : 'Updated'} ${response.body.resourceType}/${response.body.id}`),
          ...(response.warnings ?? []),
        ),
      };
    default:
      return response;
  }
}
