/**
 * R4 rules on the JSON form and on ids that @medplum/core does not enforce, in one pass over the raw JSON:
 * no empty arrays, objects or strings (json.html: "no empty objects or arrays"; string is `[ \r\n\t\S]+`), resource
 * ids (root, contained, entries) match `[A-Za-z0-9\-\.]{1,64}` (datatypes.html#id), every Narrative is valid XHTML
 * of the allowed subset, and Bundle rules (bundle.ebnf: absolute fullUrl; one link per relation).
 * Every problem is a structure error (400) with its FHIRPath location.
 */
import type { OperationOutcomeIssue } from '@medplum/fhirtypes';
import { issue } from '../errors';
import { checkBundleRules } from './check-bundle-rules';
import { checkNarrativeXhtml } from './check-narrative';

const ID = /^[A-Za-z0-9\-.]{1,64}$/;

type Json = Record<string, unknown>;

export function checkJsonForm(resource: object): OperationOutcomeIssue[] {
  const issues: OperationOutcomeIssue[] = [];
  visitResource(resource as Json, String((resource as Json).resourceType), issues);
  return issues;
}

function visitResource(resource: Json, path: string, issues: OperationOutcomeIssue[]): void {
  const id = resource.id;
  if (typeof id === 'string' && !ID.test(id)) {
    issues.push(structure(`Resource id ${JSON.stringify(id)} is not valid: 1 to 64 letters, digits, "-" and "."`, `${path}.id`));
  }
  if (resource.resourceType === 'Bundle') issues.push(...checkBundleRules(resource, path));
  visitObject(resource, path, issues);
}

function visitObject(object: Json, path: string, issues: OperationOutcomeIssue[]): void {
  for (const key in object) {
    const value = object[key];
    if (key === 'resourceType' || value === undefined) continue;
    const where = `${path}.${key}`;
    if (key === 'text' && isObject(value) && typeof value.div === 'string') {
      for (const problem of checkNarrativeXhtml(value.div)) issues.push(structure(`Narrative: ${problem}`, `${where}.div`));
    }
    visitValue(value, where, issues);
  }
}

function visitValue(value: unknown, where: string, issues: OperationOutcomeIssue[]): void {
  if (Array.isArray(value)) {
    if (value.length === 0) issues.push(structure('Empty array: R4 JSON has no empty arrays (leave the property out)', where));
    value.forEach((item, index) => visitItem(item, `${where}[${index}]`, issues));
  } else {
    visitItem(value, where, issues);
  }
}

function visitItem(value: unknown, where: string, issues: OperationOutcomeIssue[]): void {
  if (typeof value === 'string') {
    if (value.length === 0) issues.push(structure('Empty string: R4 string values have at least one character (leave the property out)', where));
  } else if (isObject(value)) {
    if (Object.keys(value).length === 0) issues.push(structure('Empty object: R4 JSON has no empty objects (leave the property out)', where));
    else if (typeof value.resourceType === 'string') visitResource(value, where, issues);
    else visitObject(value, where, issues);
  }
  // null: reported by the base validation, which knows where R4 allows it (aligned primitive-extension arrays).
}

function isObject(value: unknown): value is Json {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function structure(text: string, where: string): OperationOutcomeIssue {
  return { ...issue('error', 'structure', `${text} (at ${where})`, [where]), details: { text } };
}

/**
 * @medplum/core rejects whitespace in base64Binary; R4's regex `(\s*([0-9a-zA-Z\+\=]){4}\s*)+` allows it between
 * groups of four characters (MIME line breaks). Drop its complaint when the value has whitespace only there and is
 * valid base64 without it. (R4's regex also leaves out "/", an erratum: base64 needs it.) No regex: values are large.
 */
export function acceptBase64Whitespace(issues: OperationOutcomeIssue[], resource: object): OperationOutcomeIssue[] {
  return issues.filter((problem) => {
    if (problem.details?.text !== 'Invalid base64Binary format' || !problem.expression?.[0]) return true;
    const value = valueAt(resource as Json, problem.expression[0]);
    return typeof value !== 'string' || !isBase64WithR4Whitespace(value);
  });
}

function isBase64WithR4Whitespace(text: string): boolean {
  let count = 0;
  let sawWhitespace = false;
  let padding = 0;
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (c === 0x20 || c === 0x09 || c === 0x0a || c === 0x0d) {
      if (count % 4 !== 0) return false;
      sawWhitespace = true;
      continue;
    }
    const alphabet = (c >= 0x41 && c <= 0x5a) || (c >= 0x61 && c <= 0x7a) || (c >= 0x30 && c <= 0x39) || c === 0x2b || c === 0x2f;
    if (c === 0x3d) padding++;
    else if (!alphabet || padding > 0) return false;
    count++;
  }
  return sawWhitespace && count > 0 && count % 4 === 0 && padding <= 2;
}

/** The value at a path such as `DocumentReference.content[0].attachment.data` (a `name[x]` step matches nameType). */
function valueAt(resource: Json, path: string): unknown {
  let current: unknown = resource;
  for (const step of path.split('.').slice(1)) {
    const m = /^([^[]+)(?:\[(\d+)\])?$/.exec(step);
    if (!m || !isObject(current)) return undefined;
    const obj: Json = current;
    let name = m[1];
    if (name.endsWith('[x]')) {
      const base = name.slice(0, -3);
      name = Object.keys(obj).find((k) => k.startsWith(base) && /^[A-Z]/.test(k.slice(base.length))) ?? name;
    }
    current = obj[name];
    if (m[2] !== undefined) current = Array.isArray(current) ? current[Number(m[2])] : undefined;
  }
  return current;
}
