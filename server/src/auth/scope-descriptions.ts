/**
 * The consent page in plain words: the scopes an app asks for, gathered into a few groups a person can judge ("See
 * your health records", "Stay signed in on this device") — each group one checkbox that carries its scopes — with
 * the exact scope strings kept for a "technical details" disclosure.
 */
import { parseResourceScope } from './scopes';

export interface ScopeGroup {
  /** What the person is agreeing to, in plain words. */
  label: string;
  /** One more sentence when the label needs it. */
  hint?: string;
  /** The scopes this checkbox grants. */
  scopes: string[];
}

export interface ScopeAudience {
  /** The patient in context, by name. */
  patientName?: string;
  /** `Patient`, `Practitioner`, `RelatedPerson`…: whose words to use. */
  userKind?: string;
}

type GroupKey = 'identity' | 'patient' | 'encounter' | 'read' | 'write' | 'delete' | 'stay' | 'other';
const ORDER: GroupKey[] = ['identity', 'patient', 'encounter', 'read', 'write', 'delete', 'stay', 'other'];

function groupOf(scope: string): GroupKey {
  if (['openid', 'fhirUser', 'profile'].includes(scope)) return 'identity';
  if (scope === 'launch/patient') return 'patient';
  if (scope === 'launch/encounter') return 'encounter';
  if (scope === 'offline_access' || scope === 'online_access') return 'stay';
  const parsed = parseResourceScope(scope);
  if (!parsed) return 'other';
  if (parsed.permissions.includes('d')) return 'delete';
  if (parsed.permissions.some((p) => p === 'c' || p === 'u')) return 'write';
  return 'read';
}

const reads = (scopes: string[]) => scopes.some((s) => parseResourceScope(s)?.permissions.includes('r'));

function whose(scopes: string[], audience: ScopeAudience): string {
  const levels = new Set(scopes.map((s) => parseResourceScope(s)?.level));
  const self = audience.userKind === 'Patient';
  if (levels.has('system')) return 'all records on this server';
  if (levels.has('user') && !levels.has('patient')) return self ? 'the records you may see' : 'the records of the patients you care for';
  if (audience.patientName && !self) return `${audience.patientName}'s records`;
  return self ? 'your health records' : "the patient's records";
}

function labelFor(key: GroupKey, scopes: string[], audience: ScopeAudience): Omit<ScopeGroup, 'scopes'> {
  const self = audience.userKind === 'Patient';
  switch (key) {
    case 'identity': return { label: 'Know who you are', hint: 'Your name and which record is yours.' };
    case 'patient':
      if (self) return { label: 'Open your own record' };
      return { label: audience.patientName ? `Work with ${audience.patientName}'s record` : 'Work with the record of the patient you choose' };
    case 'encounter': return { label: 'Know which visit you are working on' };
    case 'read': return { label: `See ${whose(scopes, audience)}`, hint: self ? 'Your sessions, check-ins and scores, care plan and privacy choices.' : undefined };
    case 'write': return {
      label: `${reads(scopes) ? 'See, add to and update' : 'Add to and update'} ${whose(scopes, audience)}`,
      hint: self ? 'Your sessions, check-ins and scores, care plan and privacy choices; for example, send a check-in to your care team.' : 'For example, record attendance and write notes.',
    };
    case 'delete': return { label: `${reads(scopes) ? 'See, change and delete' : 'Delete from'} ${whose(scopes, audience)}` };
    case 'stay': return scopes.includes('offline_access')
      ? { label: 'Stay signed in on this device until you sign out', hint: 'Up to 90 days without entering your password again.' }
      : { label: 'Stay signed in while you use the app' };
    default: return { label: 'Other access', hint: 'See the technical details below.' };
  }
}

export function describeScopeGroups(scopes: string[], audience: ScopeAudience = {}): ScopeGroup[] {
  const byKey = new Map<GroupKey, string[]>();
  for (const scope of scopes) byKey.set(groupOf(scope), [...(byKey.get(groupOf(scope)) ?? []), scope]);
  return ORDER.filter((key) => byKey.has(key)).map((key) => ({ ...labelFor(key, byKey.get(key)!, audience), scopes: byKey.get(key)! }));
}

const VERBS: Record<string, string> = { c: 'create', r: 'read', u: 'update', d: 'delete', s: 'search' };

/** One scope spelled out, for the technical details: "patient/*.crus: create, read, update, search every kind of record". */
export function explainScope(scope: string): string {
  const parsed = parseResourceScope(scope);
  if (!parsed) return scope;
  const what = parsed.resourceType === '*' ? 'every kind of record' : `${parsed.resourceType} records`;
  return `${scope}: ${parsed.permissions.map((p) => VERBS[p]).join(', ')} ${what} (${parsed.level} level)`;
}
