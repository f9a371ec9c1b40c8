/**
 * "My consents": the patient's Consents in plain language (who may receive the records, for what, from when until
 * when, with what left out, and whether the consent is in effect), and revoking one: a confirmation that says what
 * revoking does, then the Consent PUT back exactly as read except `status: inactive`, versioned with If-Match so a
 * consent changed meanwhile is never overwritten.
 */
import { h, replaceContent, uniqueId } from '../shared/elements.js';
import { formatDate } from '../shared/fhir-format.js';
import { fhirRequest, searchAll } from '../shared/fhir-requests.js';
import { showError, showSuccess } from '../shared/status-messages.js';
import { joinWords, labelWords, purposeWords, recordKind } from './privacy-words.js';

const PARTICIPATION_TYPE = 'http://terminology.hl7.org/CodeSystem/v3-ParticipationType';

const actorsWithRole = (provision, code) => (provision?.actor ?? [])
  .filter((a) => (a.role?.coding ?? []).some((c) => c.system === PARTICIPATION_TYPE && c.code === code) && a.reference?.reference);

/** A FHIR date or dateTime as the instant it ends (a date: the end of that day, in the browser's zone). */
function endInstant(value) {
  return /^\d{4}-\d{2}-\d{2}$/.test(value) ? new Date(`${value}T23:59:59.999`).getTime() : Date.parse(value);
}

function startInstant(value) {
  return /^\d{4}-\d{2}-\d{2}$/.test(value) ? new Date(`${value}T00:00:00`).getTime() : Date.parse(value);
}

/** Status in words, and whether revoking still changes anything. */
export function consentState(consent, now = Date.now()) {
  const period = consent.provision?.period ?? {};
  switch (consent.status) {
    case 'active':
      if (period.end && endInstant(period.end) < now) return { label: 'Expired', active: false };
      if (period.start && startInstant(period.start) > now) return { label: `Starts ${formatDate(period.start)}`, active: true };
      return { label: 'Active', active: true };
    case 'inactive': return { label: 'Revoked', active: false };
    case 'rejected': return { label: 'Declined', active: false };
    case 'proposed':
    case 'draft': return { label: 'Not in effect yet', active: false };
    default: return { label: 'Not in effect', active: false };
  }
}

async function recipientsOf(provision, resolveName) {
  return Promise.all(actorsWithRole(provision, 'IRCP').map((a) => resolveName(a.reference.reference, a.reference.display)));
}

/** What a provision covers: resource types and security labels, in words. */
function coverageOf(provision) {
  return joinWords([...(provision.class ?? []).map((c) => recordKind(c.code ?? '')[1]), ...(provision.securityLabel ?? []).map((l) => labelWords(l.code))]);
}

/** A nested deny provision as one sentence: "Not shared: diagnoses, for research, with X, from … until …". */
async function describeDeny(provision, resolveName) {
  const what = coverageOf(provision);
  const purposes = joinWords((provision.purpose ?? []).map(purposeWords));
  const recipients = joinWords(await recipientsOf(provision, resolveName));
  const { start, end } = provision.period ?? {};
  const parts = [what || 'your records'];
  if (purposes) parts.push(`for ${purposes}`);
  if (recipients) parts.push(`with ${recipients}`);
  if (start && end) parts.push(`from ${formatDate(start)} until ${formatDate(end)}`);
  else if (start) parts.push(`from ${formatDate(start)}`);
  else if (end) parts.push(`until ${formatDate(end)}`);
  return parts.join(', ');
}

/** The consent in words, names resolved. */
async function describeConsent(consent, resolveName) {
  const provision = consent.provision ?? {};
  const [recipients, sharedBy, exceptions] = await Promise.all([
    recipientsOf(provision, resolveName),
    Promise.all(actorsWithRole(provision, 'CST').map((a) => resolveName(a.reference.reference, a.reference.display))),
    Promise.all((provision.provision ?? []).filter((p) => p.type === 'deny').map((p) => describeDeny(p, resolveName))),
  ]);
  return {
    recipients: joinWords(recipients),
    purposes: joinWords((provision.purpose ?? []).map(purposeWords)),
    records: coverageOf(provision),
    sharedBy: joinWords(sharedBy),
    from: provision.period?.start ?? consent.dateTime,
    until: provision.period?.end,
    signed: consent.dateTime,
    exceptions,
  };
}

const byRelevance = (a, b) => Number(consentState(b).active) - Number(consentState(a).active)
  || String(b.dateTime ?? '').localeCompare(String(a.dateTime ?? ''));

/**
 * @param {{ client: any, target: HTMLElement, resolveName: (ref: string, display?: string) => Promise<string>,
 *   canRevoke: boolean, afterRevokeAttempt: () => void }} options afterRevokeAttempt: reload, whether the revocation
 *   went through or not (after a refusal the consent as read may be stale)
 */
export async function showConsents(options) {
  const { client, target } = options;
  replaceContent(target, h('p', { role: 'status' }, 'Loading…'));
  try {
    const consents = (await searchAll(client, `Consent?patient=Patient/${client.patient.id}&_count=100`))
      .filter((c) => c.status !== 'entered-in-error')
      .sort(byRelevance);
    if (consents.length === 0) {
      replaceContent(target, h('p', null, 'You have no consents on file. Your protected records are not shared outside your program without your written consent, except in a medical emergency.'));
      return;
    }
    const items = await Promise.all(consents.map(async (consent) => renderConsent(consent, await describeConsent(consent, options.resolveName), options)));
    replaceContent(target, h('ul', { class: 'list-plain consent-list' }, items));
  } catch (error) {
    replaceContent(target);
    showError(error, 'Your consents could not be loaded');
  }
}

function renderConsent(consent, words, options) {
  const state = consentState(consent);
  const fact = (term, value) => (value ? [h('dt', null, term), h('dd', null, value)] : null);
  const facts = h('dl', { class: 'facts' },
    fact('Status', h('span', { class: `badge ${state.active ? 'active' : 'ended'}`, 'data-status': consent.status }, state.label)),
    fact('For', words.purposes),
    fact('Records', words.records ? `only ${words.records}` : ''),
    fact('Not shared', words.exceptions.length ? (words.exceptions.length === 1 ? words.exceptions[0] : h('ul', null, words.exceptions.map((e) => h('li', null, e)))) : ''),
    fact('From', formatDate(words.from)),
    fact('Until', words.until ? formatDate(words.until) : (state.active ? 'you revoke it' : '')),
    fact('Shared by', words.sharedBy),
    fact('Signed', words.signed && words.signed !== words.from ? formatDate(words.signed) : ''));
  const item = h('li', { class: 'consent', 'data-consent': consent.id },
    h('h4', null, words.recipients ? `Sharing with ${words.recipients}` : 'Consent'),
    facts);
  if (state.active && options.canRevoke) {
    const confirmSlot = h('div');
    const revoke = h('button', { type: 'button', class: 'secondary' }, 'Revoke', h('span', { class: 'visually-hidden' }, ` consent${words.recipients ? ` for ${words.recipients}` : ''}`));
    revoke.addEventListener('click', () => {
      revoke.hidden = true;
      openConfirmation(confirmSlot, consent, words, options, () => {
        revoke.hidden = false;
        revoke.focus();
      });
    });
    item.append(revoke, confirmSlot);
  } else if (state.active) {
    item.append(h('p', { class: 'hint' }, 'Only the patient can revoke this consent.'));
  }
  return item;
}

function openConfirmation(slot, consent, words, options, onCancel) {
  const recipient = words.recipients || 'the recipient';
  const headingId = uniqueId('confirm');
  const heading = h('h5', { id: headingId, tabindex: '-1' }, `Revoke your consent for ${recipient}?`);
  const cancel = () => {
    replaceContent(slot);
    onCancel();
  };
  const confirmButton = h('button', { type: 'button', class: 'danger' }, 'Yes, revoke my consent');
  const box = h('div', { class: 'confirm', role: 'group', 'aria-labelledby': headingId },
    heading,
    h('p', null, `From now on, ${recipient} will no longer receive your records from your program${words.purposes ? ` for ${words.purposes}` : ''}.`),
    h('p', null, `Records that were already shared before you revoke cannot be recalled: ${recipient} may keep what they have already received.`),
    h('p', null, 'If you change your mind later, talk to your care team about signing a new consent.'),
    h('div', { class: 'inline-fields' }, confirmButton, h('button', { type: 'button', class: 'secondary', onclick: cancel }, 'Keep my consent')));
  box.addEventListener('keydown', (event) => {
    if (event.key === 'Escape') cancel();
  });
  confirmButton.addEventListener('click', () => revokeConsent(consent, recipient, confirmButton, options));
  replaceContent(slot, box);
  heading.focus();
}

async function revokeConsent(consent, recipient, button, options) {
  button.disabled = true;
  button.setAttribute('aria-busy', 'true');
  const versionId = consent.meta?.versionId;
  try {
    await fhirRequest(options.client, `Consent/${consent.id}`, {
      method: 'PUT',
      body: { ...consent, status: 'inactive' },
      headers: versionId ? { 'If-Match': `W/"${versionId}"` } : {},
    });
  } catch (error) {
    showError(error, error?.status === 412
      ? 'Your consent changed since this page was loaded, so it was not revoked. Check it again below, then revoke it if you still want to.'
      : 'Your consent was not revoked');
    options.afterRevokeAttempt();
    return;
  }
  showSuccess(`You revoked your consent for ${recipient}`, [`From now on, ${recipient} no longer receives these records.`]);
  options.afterRevokeAttempt();
}
