/**
 * A Parameters body is checked against base R4 before an operation reads it, so a handler never meets a shape it
 * does not expect (`parameter: [null]`, `valueCoding: "x"`, `valueCodeableConcept: {coding: "x"}`): each problem is
 * a 400 naming the parameter. Resources carried in `parameter.resource` are the operation's own business (e.g.
 * $validate reports on an invalid one), so only their being a resource is checked here.
 */
import type { OperationOutcomeIssue, Parameters, ParametersParameter, Resource } from '@medplum/fhirtypes';
import { badRequest, FhirError, outcome } from '../errors';
import { validateFully } from '../validation/validate-resource';

/** Stands in for a carried resource while the Parameters around it is validated. */
const STUB: Resource = { resourceType: 'Basic', code: { text: 'carried resource' } };

export function checkParametersShape(body: Parameters): void {
  if (body.parameter !== undefined && !Array.isArray(body.parameter)) throw badRequest('Parameters.parameter must be an array', ['Parameters.parameter']);
  const errors: OperationOutcomeIssue[] = [];
  (body.parameter ?? []).forEach((parameter, index) => {
    // One parameter at a time, so each problem names its parameter: Parameters.parameter[2].valueCoding
    const stubbed = { resourceType: 'Parameters', parameter: [withStubs(parameter, `Parameters.parameter[${index}]`)] } as Parameters;
    for (const problem of validateFully(stubbed).issues) {
      if ((problem.severity === 'error' || problem.severity === 'fatal') && !isEmptinessRule(problem)) errors.push(atIndex(problem, index));
    }
  });
  if (errors.length > 0) throw new FhirError(400, outcome(...errors));
}

function atIndex(problem: OperationOutcomeIssue, index: number): OperationOutcomeIssue {
  const name = (text: string) => text.replace(/Parameters\.parameter(\[0\])?/g, `Parameters.parameter[${index}]`);
  return {
    ...problem,
    ...(problem.diagnostics ? { diagnostics: name(problem.diagnostics) } : {}),
    ...(problem.expression ? { expression: problem.expression.map(name) } : {}),
  };
}

/** R4 JSON has no empty arrays or strings, but `parameter: []` harms no handler and clients send it: not a shape error. */
function isEmptinessRule(problem: OperationOutcomeIssue): boolean {
  return /^(Empty |Invalid empty)/.test(problem.details?.text ?? '');
}

function withStubs(parameter: unknown, where: string): unknown {
  if (typeof parameter !== 'object' || parameter === null || Array.isArray(parameter)) throw badRequest(`${where} must be an object with a name`, [where]);
  const { resource, part, ...rest } = parameter as ParametersParameter & Record<string, unknown>;
  if (resource !== undefined && (typeof resource !== 'object' || resource === null || Array.isArray(resource) || typeof resource.resourceType !== 'string')) {
    throw badRequest(`${where}.resource must be a FHIR resource (a JSON object with a resourceType)`, [`${where}.resource`]);
  }
  if (part !== undefined && !Array.isArray(part)) throw badRequest(`${where}.part must be an array`, [`${where}.part`]);
  return {
    ...rest,
    ...(resource !== undefined ? { resource: STUB } : {}),
    ...(part !== undefined ? { part: part.map((p, i) => withStubs(p, `${where}.part[${i}]`)) } : {}),
  };
}
