/**
 * "Who has seen my records": the accounting of disclosures (`Patient/{id}/$disclosures`, newest first) as a table a
 * patient can read — when, to whom (by name), why, under which consent or emergency, and what kinds of records.
 * A family member signed in sees it only as the patient's representative: when the patient's active consent names
 * them for power of attorney (the server's rule, operations/disclosures.ts); otherwise a note says whose list it is.
 */
import { h, replaceContent } from '../shared/elements.js';
import { formatDate, formatDateTime } from '../shared/fhir-format.js';
import { fhirRequest, outputsOf, partOf, searchAll } from '../shared/fhir-requests.js';
import { showError } from '../shared/status-messages.js';
import { purposeWords, summariseRecords } from './privacy-words.js';

/** The server lists at most this many (operations/disclosures.ts). */
const SERVER_LIMIT = 1000;

const parts = (parameter, name) => (parameter.part ?? []).filter((p) => p.name === name);

/** Consents read once per listing, for "your consent of <date>". */
function consentReader(client) {
  const cache = new Map();
  return (reference) => {
    if (!cache.has(reference)) cache.set(reference, fhirRequest(client, reference).catch(() => undefined));
    return cache.get(reference);
  };
}

async function basisWords(parameter, readConsent) {
  const basis = partOf(parameter, 'basis')?.valueCode;
  if (basis === 'emergency') return 'A medical emergency (emergency access)';
  if (basis !== 'consent') return 'Another legal reason';
  const reference = partOf(parameter, 'consent')?.valueReference?.reference;
  const consent = reference ? await readConsent(reference) : undefined;
  if (!consent) return 'Your consent';
  const signed = consent.dateTime ? ` of ${formatDate(consent.dateTime)}` : '';
  return `Your consent${signed}${consent.status === 'inactive' ? ' (since revoked)' : ''}`;
}

async function describeDisclosure(parameter, resolveName, readConsent) {
  const recipient = partOf(parameter, 'recipient')?.valueString;
  const consentReference = partOf(parameter, 'consent')?.valueReference?.reference;
  // The consent's own display of the recipient, for when the recipient cannot be read.
  const consent = consentReference ? await readConsent(consentReference) : undefined;
  const display = (consent?.provision?.actor ?? []).find((a) => a.reference?.reference === recipient)?.reference?.display;
  return {
    when: partOf(parameter, 'date')?.valueInstant,
    to: await resolveName(recipient, display),
    why: purposeWords(partOf(parameter, 'purpose')?.valueCoding),
    basis: await basisWords(parameter, readConsent),
    what: summariseRecords(parts(parameter, 'resource').map((p) => p.valueReference?.reference ?? '').filter(Boolean)),
  };
}

const PROXY_NOTE = 'This list is for the patient. If you act for them under a power of attorney, the program can record that in '
  + 'their consent; the list will then show here. The patient can see it when they sign in.';

const proxyNote = () => h('p', { 'data-proxy-note': 'disclosures' }, PROXY_NOTE);

/** A family member: whether the patient's active consent names them for power of attorney (else the server refuses). */
async function namedRepresentative(client) {
  const me = client.user?.fhirUser;
  const query = `Consent?patient=Patient/${client.patient.id}&status=active&actor=${me}&purpose=http://terminology.hl7.org/CodeSystem/v3-ActReason|PWATRNY&_count=1`;
  return (await searchAll(client, query, { maxPages: 1 })).length > 0;
}

/** @param {{ client: any, target: HTMLElement, resolveName: (ref: string, display?: string) => Promise<string> }} options */
export async function showDisclosures({ client, target, resolveName }) {
  replaceContent(target, h('p', { role: 'status' }, 'Loading…'));
  try {
    // Only ask for what the server gives a family member: no refused request, a note instead.
    if (client.user?.fhirUser !== `Patient/${client.patient.id}` && client.user?.fhirUser?.startsWith('RelatedPerson/') && !(await namedRepresentative(client))) {
      replaceContent(target, proxyNote());
      return;
    }
    const accounting = await fhirRequest(client, `Patient/${client.patient.id}/$disclosures`);
    const disclosures = outputsOf(accounting, 'disclosure');
    if (disclosures.length === 0) {
      replaceContent(target, h('p', { 'data-empty': 'disclosures' }, 'Nothing has been disclosed: no one outside your program has received your protected records.'));
      return;
    }
    const readConsent = consentReader(client);
    const rows = (await Promise.all(disclosures.map((d) => describeDisclosure(d, resolveName, readConsent))))
      .sort((a, b) => Date.parse(b.when) - Date.parse(a.when));
    const table = h('table', { class: 'data-table' },
      h('caption', { class: 'visually-hidden' }, 'Who received your protected records, newest first'),
      h('thead', null, h('tr', null, ['When', 'Who received them', 'Why', 'Allowed by', 'What was shared'].map((t) => h('th', { scope: 'col' }, t)))),
      h('tbody', null, rows.map((row, index) => h('tr', { 'data-disclosure': String(index) },
        h('td', null, h('time', { datetime: row.when }, formatDateTime(row.when))),
        h('td', null, row.to), h('td', null, row.why), h('td', null, row.basis), h('td', null, row.what)))));
    replaceContent(target,
      h('p', { class: 'hint' }, disclosures.length >= SERVER_LIMIT ? `The latest ${SERVER_LIMIT} disclosures, newest first.` : 'Newest first.'),
      h('div', { class: 'table-scroll', role: 'region', 'aria-label': 'Disclosures, newest first', tabindex: '0' }, table));
  } catch (error) {
    replaceContent(target);
    // Refused all the same (e.g. the consent ended meanwhile): the same note where the list would be.
    if (error?.status === 403) replaceContent(target, proxyNote());
    else showError(error, 'The list of who has seen your records could not be loaded');
  }
}
