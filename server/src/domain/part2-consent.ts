/**
 * Reads a 42 CFR Part 2 Consent (docs/part2.md) into rules the access filter can apply: one permit (recipients,
 * purposes, period, and optionally resource types and security labels) and the nested deny provisions that narrow
 * it. A Consent that cites Part 2 but does not have this shape is reported element by element (the write is
 * refused); anything the rules cannot express is a problem too, never silently widened — a consent the server
 * cannot interpret permits nothing.
 */
import type { Consent, ConsentProvision } from '@medplum/fhirtypes';
import { PURPOSE_OF_USE_SYSTEM, PURPOSES_OF_USE } from './purpose-of-use';

const PARTICIPATION_TYPE = 'http://terminology.hl7.org/CodeSystem/v3-ParticipationType';
const CONSENT_SCOPE = 'http://terminology.hl7.org/CodeSystem/consentscope';
const ACT_CODE = 'http://terminology.hl7.org/CodeSystem/v3-ActCode';
const RECIPIENT_TYPES = ['Organization', 'Practitioner', 'PractitionerRole', 'RelatedPerson', 'Patient'];
/** Policy URIs read as 42 CFR Part 2: the eCFR part (any of its usual forms), or the ActCode policy. */
const PART2_POLICY_URI = /(ecfr\.gov\/.*(title-42\/.*part-2\b|pt42\.1\.2)|42\s*CFR\s*Part\s*2\b|v3-ActCode#42CFRPart2$)/i;

export interface ConsentRule {
  effect: 'permit' | 'deny';
  recipients: string[];
  purposes: string[];
  /** ISO instants; undefined = unbounded. */
  start?: string;
  end?: string;
  classes: string[];
  labels: string[];
}

export interface ConsentProblem {
  expression: string;
  message: string;
}

export interface ReadConsent {
  /** The patient id the consent is about. */
  patientId?: string;
  /** Rules to apply: empty unless the consent is active and fully understood. */
  rules: ConsentRule[];
  problems: ConsentProblem[];
}

export function citesPart2(consent: Consent): boolean {
  return (consent.policy ?? []).some((p) => PART2_POLICY_URI.test(p.uri ?? ''))
    || (consent.policyRule?.coding ?? []).some((c) => c.system === ACT_CODE && c.code === '42CFRPart2');
}

export function readPart2Consent(consent: Consent): ReadConsent {
  const problems: ConsentProblem[] = [];
  const problem = (expression: string, message: string) => problems.push({ expression, message });
  const patientId = /^Patient\/([A-Za-z0-9\-.]{1,64})$/.exec(consent.patient?.reference ?? '')?.[1];
  if (!patientId) problem('Consent.patient', 'a 42 CFR Part 2 consent must name its patient (a reference Patient/{id} on this server)');
  if (!(consent.scope?.coding ?? []).some((c) => c.system === CONSENT_SCOPE && c.code === 'patient-privacy')) {
    problem('Consent.scope', `a 42 CFR Part 2 consent has scope ${CONSENT_SCOPE}|patient-privacy`);
  }
  const provision = consent.provision;
  if (!provision) problem('Consent.provision', 'a 42 CFR Part 2 consent needs a provision saying whom it permits, for what');
  else if (provision.type !== 'permit') problem('Consent.provision.type', 'the top provision of a 42 CFR Part 2 consent must be a permit (nested provisions may deny)');
  const rules: ConsentRule[] = [];
  if (provision?.type === 'permit') {
    const permit = readProvision(provision, 'Consent.provision', 'permit', problem);
    if (permit.recipients.length === 0) problem('Consent.provision.actor', 'the permit names no recipient: an actor with role v3-ParticipationType|IRCP and a reference');
    if (permit.purposes.length === 0) problem('Consent.provision.purpose', 'the permit names no purpose of use (v3-ActReason, e.g. TREAT, HPAYMT, HOPERAT)');
    rules.push(permit);
    (provision.provision ?? []).forEach((nested, i) => {
      const at = `Consent.provision.provision[${i}]`;
      if (nested.type !== 'deny') problem(`${at}.type`, 'nested provisions of a 42 CFR Part 2 consent may only deny (narrow the permit)');
      else rules.push(readProvision(nested, at, 'deny', problem));
    });
  }
  const active = consent.status === 'active';
  return { patientId, rules: problems.length === 0 && active ? rules : [], problems };
}

function readProvision(provision: ConsentProvision, at: string, effect: ConsentRule['effect'], problem: (e: string, m: string) => void): ConsentRule {
  const unsupported = (['data', 'code', 'dataPeriod'] as const).filter((key) => provision[key] !== undefined);
  for (const key of unsupported) problem(`${at}.${key}`, `${key} in a 42 CFR Part 2 provision is not supported: use class (resource types) or securityLabel`);
  if (effect === 'deny' && provision.provision?.length) problem(`${at}.provision`, 'provisions nest one level: a permit and its denies');
  const recipients: string[] = [];
  (provision.actor ?? []).forEach((actor, i) => {
    const isRecipient = (actor.role?.coding ?? []).some((c) => c.system === PARTICIPATION_TYPE && c.code === 'IRCP');
    if (!isRecipient) return; // other roles (the disclosing program, a witness…) name no recipient
    const ref = actor.reference?.reference ?? '';
    const match = /^([A-Za-z]+)\/([A-Za-z0-9\-.]{1,64})$/.exec(ref);
    if (!match || !RECIPIENT_TYPES.includes(match[1])) {
      problem(`${at}.actor[${i}].reference`, `a recipient must be a reference to ${RECIPIENT_TYPES.join(', ')} on this server (got ${JSON.stringify(ref)})`);
    } else recipients.push(ref);
  });
  const purposes: string[] = [];
  (provision.purpose ?? []).forEach((purpose, i) => {
    if (purpose.system !== PURPOSE_OF_USE_SYSTEM || !PURPOSES_OF_USE.includes(purpose.code ?? '')) {
      problem(`${at}.purpose[${i}]`, `unknown purpose of use ${purpose.system ?? ''}|${purpose.code ?? ''}: use ${PURPOSE_OF_USE_SYSTEM} (TREAT, HPAYMT, HOPERAT, …)`);
    } else purposes.push(purpose.code!);
  });
  const { start, end } = provision.period ?? {};
  if (start && end && Date.parse(end) < Date.parse(start)) problem(`${at}.period`, 'the period ends before it starts');
  const classes: string[] = [];
  (provision.class ?? []).forEach((c, i) => {
    if (c.system !== 'http://hl7.org/fhir/resource-types' || !/^[A-Z][A-Za-z]+$/.test(c.code ?? '')) {
      problem(`${at}.class[${i}]`, 'class must be a resource type (system http://hl7.org/fhir/resource-types)');
    } else classes.push(c.code!);
  });
  const labels = (provision.securityLabel ?? []).map((l) => l.code).filter((c): c is string => !!c);
  return { effect, recipients, purposes, start: instant(start, 'start'), end: instant(end, 'end'), classes, labels };
}

/** A FHIR date or dateTime as the instant the period starts or ends at (a date's end is the end of that day, UTC). */
function instant(value: string | undefined, side: 'start' | 'end'): string | undefined {
  if (!value) return undefined;
  if (/^\d{4}(-\d{2}(-\d{2})?)?$/.test(value)) {
    const [y, m = '01', d] = value.split('-');
    const first = new Date(`${y}-${m}-${d ?? '01'}T00:00:00Z`);
    if (side === 'start') return first.toISOString();
    const next = d ? new Date(first.getTime() + 86_400_000) : new Date(Date.UTC(first.getUTCFullYear(), value.length === 4 ? 12 : first.getUTCMonth() + 1, 1));
    return next.toISOString();
  }
  return new Date(value).toISOString();
}

/**
 * The purpose by which a consent names someone the patient's representative (power of attorney): they act for the
 * patient, so they may also exercise the patient's own rights, such as the accounting of disclosures (42 CFR 2.24).
 * A family member named only for FAMRQT receives records; that does not make them the patient's representative.
 */
export const REPRESENTATIVE_PURPOSE = 'PWATRNY';

/** Whether one of `consents` of patient `patientId` names `recipient` (e.g. `RelatedPerson/…`) the patient's representative at `now`. */
export function namesRepresentative(consents: Consent[], patientId: string, recipient: string, now: Date): boolean {
  const at = now.getTime();
  return consents.map(readPart2Consent).some((read) => read.patientId === patientId && read.rules.some((rule) => rule.effect === 'permit'
    && rule.recipients.includes(recipient) && rule.purposes.includes(REPRESENTATIVE_PURPOSE)
    && (!rule.start || Date.parse(rule.start) <= at) && (!rule.end || at < Date.parse(rule.end))));
}
