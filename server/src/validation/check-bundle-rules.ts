/**
 * Bundle rules R4 states in prose rather than as FHIRPath invariants: Bundle.entry.fullUrl is absolute (a URL, or
 * a urn:uuid:/urn:oid: for a resource without a stable URL; bundle.html#bundle-unique), and a Bundle's links, like
 * each entry's, name each relation at most once (http.html#paging: there is one "next", one "self", …).
 * A urn:uuid: that is not a UUID (`urn:uuid:org`, common in hand-written transactions) is absolute but not a valid
 * uuid: a warning, so such clients keep working.
 */
import type { OperationOutcomeIssue } from '@medplum/fhirtypes';
import { issue } from '../errors';

const ABSOLUTE_URL = /^[A-Za-z][A-Za-z0-9+.-]*:\/\/[^\s/?#]+\S*$/;
const URN_UUID = /^urn:uuid:[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}$/;
const URN_OID = /^urn:oid:[0-2](\.(0|[1-9]\d*))+$/;
const URN = /^urn:(uuid|oid):\S+$/;

type Json = Record<string, unknown>;

export function isAbsoluteFullUrl(fullUrl: string): boolean {
  return ABSOLUTE_URL.test(fullUrl) || URN.test(fullUrl);
}

export function checkBundleRules(bundle: Json, path: string): OperationOutcomeIssue[] {
  const issues: OperationOutcomeIssue[] = [...checkLinks(bundle.link, `${path}.link`)];
  const entries = Array.isArray(bundle.entry) ? bundle.entry : [];
  entries.forEach((entry: unknown, index) => {
    if (typeof entry !== 'object' || entry === null) return;
    const { fullUrl, link } = entry as Json;
    const where = `${path}.entry[${index}]`;
    if (typeof fullUrl === 'string' && !isAbsoluteFullUrl(fullUrl)) {
      issues.push(problem(`fullUrl ${JSON.stringify(fullUrl)} is not absolute: use the resource's URL, a urn:uuid: or a urn:oid:`, `${where}.fullUrl`));
    } else if (typeof fullUrl === 'string' && URN.test(fullUrl) && !URN_UUID.test(fullUrl) && !URN_OID.test(fullUrl)) {
      issues.push(problem(`fullUrl ${JSON.stringify(fullUrl)} is not a valid ${fullUrl.startsWith('urn:uuid:') ? 'UUID' : 'OID'}`, `${where}.fullUrl`, 'warning'));
    }
    issues.push(...checkLinks(link, `${where}.link`));
  });
  return issues;
}

function checkLinks(links: unknown, where: string): OperationOutcomeIssue[] {
  if (!Array.isArray(links)) return [];
  const seen = new Set<string>();
  const issues: OperationOutcomeIssue[] = [];
  links.forEach((link: unknown, index) => {
    const relation = (link as Json | null)?.relation;
    if (typeof relation !== 'string') return;
    if (seen.has(relation)) issues.push(problem(`Link relation "${relation}" occurs more than once`, `${where}[${index}].relation`));
    seen.add(relation);
  });
  return issues;
}

function problem(text: string, where: string, severity: 'error' | 'warning' = 'error'): OperationOutcomeIssue {
  return { ...issue(severity, 'invalid', `${text} (at ${where})`, [where]), details: { text } };
}
