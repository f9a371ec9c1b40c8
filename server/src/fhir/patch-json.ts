/**
 * JSON Patch (RFC 6902) applied to a copy of a resource. A patch that is malformed is a 400; one that is well
 * formed but cannot be applied to the resource as it stands (a failing `test`, a path that is not there) is a 422.
 */
import type { Resource } from '@medplum/fhirtypes';
import { applyPatch, JsonPatchError, type Operation } from 'fast-json-patch';
import { badRequest, unprocessable } from '../errors';

export const JSON_PATCH_TYPE = 'application/json-patch+json';

/** Syntax problems: the patch document itself is wrong, whatever the resource. */
const MALFORMED = new Set<string>([
  'SEQUENCE_NOT_AN_ARRAY', 'OPERATION_NOT_AN_OBJECT', 'OPERATION_OP_INVALID', 'OPERATION_PATH_INVALID',
  'OPERATION_FROM_REQUIRED', 'OPERATION_VALUE_REQUIRED', 'OPERATION_VALUE_CANNOT_CONTAIN_UNDEFINED',
  'OPERATION_PATH_ILLEGAL_ARRAY_INDEX',
]);

/** No FHIR element has these names; fast-json-patch refuses them with a plain Error, so refuse them first as a 400. */
const BANNED_SEGMENTS = new Set(['__proto__', 'constructor', 'prototype']);

/** Returns the patched copy; `resource` is left untouched. */
export function applyJsonPatch(resource: Resource, patch: unknown): Resource {
  if (!Array.isArray(patch)) throw badRequest('A JSON Patch document must be a JSON array of operations');
  if (patch.length === 0) throw badRequest('The JSON Patch document has no operations');
  patch.forEach(checkOperationShape);
  try {
    // validate=true checks every operation against the document; mutate=false works on a clone.
    return applyPatch(resource, patch as Operation[], true, false).newDocument;
  } catch (err) {
    throw toFhirError(err);
  }
}

/** The checks fast-json-patch leaves out: `path` must be an RFC 6901 pointer, `op` a string. */
function checkOperationShape(operation: unknown, index: number): void {
  const where = `JSON Patch operation ${index}`;
  if (!operation || typeof operation !== 'object' || Array.isArray(operation)) throw badRequest(`${where} is not a JSON object`);
  const { op, path, from } = operation as Record<string, unknown>;
  if (typeof op !== 'string') throw badRequest(`${where} has no "op"`);
  if (typeof path !== 'string' || (path !== '' && !path.startsWith('/'))) {
    throw badRequest(`${where}: "path" must be a JSON Pointer such as /name/0/family`);
  }
  if ((op === 'move' || op === 'copy') && (typeof from !== 'string' || (from !== '' && !from.startsWith('/')))) {
    throw badRequest(`${where}: "${op}" needs "from" as a JSON Pointer`);
  }
  if ([path, from].some((p) => typeof p === 'string' && p.split('/').some((s) => BANNED_SEGMENTS.has(s)))) {
    throw badRequest(`${where}: pointers through __proto__, constructor or prototype are not allowed`);
  }
  if (path === '' && op !== 'test') throw badRequest(`${where}: "${op}" on the whole resource is not allowed; patch its elements`);
}

function toFhirError(err: unknown): unknown {
  if (!(err instanceof JsonPatchError)) return err;
  const where = err.index !== undefined ? `JSON Patch operation ${err.index}` : 'JSON Patch';
  const operation = err.operation as { op?: string; path?: string } | undefined;
  const target = operation?.path !== undefined ? ` (${operation.op} ${operation.path})` : '';
  if (err.name === 'TEST_OPERATION_FAILED') {
    return unprocessable(`${where}${target}: test failed, the resource does not hold the expected value; nothing was changed`);
  }
  if (MALFORMED.has(err.name)) return badRequest(`${where}${target}: ${firstLine(err.message)}`);
  return unprocessable(`${where}${target} cannot be applied to the current resource: ${firstLine(err.message)}`);
}

/** fast-json-patch appends the operation and the whole document to its messages; keep only the sentence. */
function firstLine(message: string): string {
  return message.split('\n')[0];
}
