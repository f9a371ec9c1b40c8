/** Plain-language descriptions of scopes for the consent screen. */
import { parseResourceScope } from './scopes';

const CONTEXT: Record<string, string> = {
  openid: 'Know who you are',
  fhirUser: 'Know which person record is yours',
  profile: 'See your profile',
  launch: 'Use the context it was launched in',
  'launch/patient': 'Use the chosen patient',
  'launch/encounter': 'Use the current encounter',
  offline_access: 'Keep access after you sign out',
  online_access: 'Keep access while you are signed in',
};
const VERBS: Record<string, string> = { c: 'create', r: 'read', u: 'update', d: 'delete', s: 'search' };
const WHOSE: Record<string, string> = { patient: "the patient's", user: 'your accessible', system: 'all' };

export function describeScope(scope: string): string {
  if (CONTEXT[scope]) return CONTEXT[scope];
  const parsed = parseResourceScope(scope);
  if (!parsed) return scope;
  const verbs = parsed.permissions.map((p) => VERBS[p]).join(', ');
  const what = parsed.resourceType === '*' ? 'records of every kind' : `${parsed.resourceType} records`;
  const filter = parsed.query ? ` matching ${Object.entries(parsed.query).map(([k, v]) => `${k}=${v.join(',')}`).join(' and ')}` : '';
  return `${verbs[0].toUpperCase()}${verbs.slice(1)} ${WHOSE[parsed.level]} ${what}${filter}`;
}
