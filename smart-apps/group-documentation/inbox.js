/**
 * The clinician's inbox: messages addressed to the signed-in clinician, most urgent first — a message that raised
 * the risk workflow (a same-day suicide-risk assessment Task whose focus is the message), then by priority, then
 * unread, then newest. Opening one shows its thread and the patient's care team, marks it read, and offers a reply
 * to the patient (optionally asking them to reply: a CommunicationRequest). Below, a form to write to any patient
 * whose care team the clinician is on.
 */
import { field, h, replaceContent, select } from '../shared/elements.js';
import { fhirRequest, searchAll } from '../shared/fhir-requests.js';
import { formatDateTime, formatName } from '../shared/fhir-format.js';
import {
  attachmentLink, attachmentsOf, isUnreadFor, markRead, messageBody, priorityRank, referenceOf, RISK_TASK_CODE, sendMessage, teamMembers, userReference,
} from '../shared/messages.js';
import { showError, showSuccess, withBusy } from '../shared/status-messages.js';

const PRIORITY_LABELS = { stat: 'Priority: immediate', asap: 'Priority: as soon as possible', urgent: 'Priority: urgent' };

export function renderInbox(client) {
  const list = h('div', { id: 'inbox-list', 'aria-live': 'polite' }, h('p', { role: 'status' }, 'Loading messages…'));
  const detail = h('div', { id: 'inbox-detail' });
  const section = h('section', { class: 'card', id: 'inbox', 'aria-labelledby': 'inbox-heading' },
    h('h2', { id: 'inbox-heading', tabindex: '-1' }, 'Inbox'),
    h('p', { class: 'hint' }, 'Messages from your patients and their families, most urgent first.'),
    list, detail);
  const me = userReference(client);
  if (me) {
    showInbox({ client, me, list, detail });
    renderComposeForm({ client, me, list, detail }).then((form) => section.append(form)).catch((error) => showError(error, 'Your patients could not be loaded'));
  } else replaceContent(list, h('p', null, 'Sign in as a clinician to see your messages.'));
  return section;
}

/** A new conversation with a patient whose care team the clinician is on. */
async function renderComposeForm(context) {
  const { client, me } = context;
  const found = await searchAll(client, `CareTeam?participant=${me}&status=active&_include=CareTeam:subject&_count=200`, { includeIncluded: true });
  const patients = new Map(found.filter((r) => r.resourceType === 'Patient').map((p) => [referenceOf(p), p]));
  const teams = found.filter((r) => r.resourceType === 'CareTeam' && patients.has(r.subject?.reference))
    .sort((a, b) => formatName(patients.get(a.subject.reference).name).localeCompare(formatName(patients.get(b.subject.reference).name)));
  const patient = select('patient', teams.map((t) => [t.id, formatName(patients.get(t.subject.reference).name)]));
  const topic = h('input', { type: 'text', name: 'topic', required: true, maxlength: '120' });
  const text = h('textarea', { name: 'message', required: true, rows: 3 });
  const button = h('button', { type: 'submit' }, 'Send message');
  return h('form', {
    id: 'compose-message', 'aria-labelledby': 'compose-heading',
    onsubmit: (event) => {
      event.preventDefault();
      withBusy(button, async () => {
        const team = teams.find((t) => t.id === patient.value);
        if (!team) throw new Error('Choose a patient.');
        await sendMessage(client, { patientId: team.subject.reference.split('/')[1], careTeamId: team.id, sender: me, recipients: [team.subject.reference], topic: topic.value, text: text.value });
        topic.value = '';
        text.value = '';
        showSuccess(`Your message was sent to ${formatName(patients.get(team.subject.reference).name)}.`);
      }, 'Your message could not be sent');
    },
  },
  h('h3', { id: 'compose-heading' }, 'Write to a patient'),
  teams.length === 0 ? h('p', null, 'You are not on the care team of any patient in treatment.') : [field('Patient', patient), field('Subject', topic), field('Message', text), button]);
}

/** Escalated first, then priority, then unread, then newest. */
export function sortByUrgency(entries) {
  return [...entries].sort((a, b) => Number(b.escalated) - Number(a.escalated) || priorityRank(a.message) - priorityRank(b.message)
    || Number(b.unread) - Number(a.unread) || (b.message.sent ?? '').localeCompare(a.message.sent ?? ''));
}

async function showInbox(context) {
  const { client, me, list } = context;
  try {
    const found = await searchAll(client, `Communication?recipient=${me}&_sort=-sent&_count=100&_include=Communication:subject&_include=Communication:sender&_revinclude=Task:focus`, { includeIncluded: true });
    const messages = found.filter((r) => r.resourceType === 'Communication' && (r.recipient ?? []).some((x) => x.reference === me));
    const people = new Map(found.filter((r) => r.resourceType !== 'Communication' && r.resourceType !== 'Task').map((r) => [referenceOf(r), r]));
    const escalatedIds = new Set(found.filter((r) => r.resourceType === 'Task' && r.code?.coding?.some((c) => c.code === RISK_TASK_CODE))
      .map((t) => t.focus?.reference?.split('/').pop()));
    const entries = sortByUrgency(messages.map((message) => ({ message, escalated: escalatedIds.has(message.id), unread: isUnreadFor(message, me) })));
    if (entries.length === 0) {
      replaceContent(list, h('p', null, 'No messages.'));
      return;
    }
    const nameOf = (reference) => formatName(people.get(reference)?.name) || 'Unknown sender';
    replaceContent(list,
      h('p', { class: 'hint', 'data-summary': 'inbox' }, `${entries.filter((e) => e.unread).length} unread of ${entries.length}.`),
      h('ul', { class: 'list-plain' }, entries.map((entry) => h('li', null, h('button', {
        type: 'button', class: 'session-button', 'data-message': entry.message.id,
        onclick: () => openMessage({ ...context, nameOf }, entry.message),
      },
      entry.escalated ? h('span', { class: 'badge risk' }, 'Risk: mentions self-harm') : null,
      PRIORITY_LABELS[entry.message.priority] ? h('span', { class: 'badge risk' }, PRIORITY_LABELS[entry.message.priority]) : null,
      entry.unread ? h('span', { class: 'badge status-drafts-to-sign', 'data-unread': 'true' }, 'Unread') : null,
      h('strong', null, nameOf(entry.message.subject?.reference)),
      ` · ${entry.message.topic?.text ?? 'Message'} · ${formatDateTime(entry.message.sent)}`)))));
  } catch (error) {
    replaceContent(list);
    showError(error, 'Your messages could not be loaded');
  }
}

async function openMessage(context, message) {
  const { client, me, detail, nameOf } = context;
  replaceContent(detail, h('p', { role: 'status' }, 'Loading the conversation…'));
  try {
    const patient = message.subject.reference;
    const rootId = message.inResponseTo?.[0]?.reference?.split('/').pop() ?? message.id;
    const messages = (await searchAll(client, `Communication?subject=${patient}&_sort=sent&_count=200`))
      .filter((m) => m.id === rootId || m.inResponseTo?.[0]?.reference === `Communication/${rootId}`);
    // Read once shown: the receipts are written before the thread appears, so a reply never races them.
    for (const unread of messages.filter((m) => isUnreadFor(m, me))) Object.assign(unread, await markRead(client, unread, me));
    const teamSearch = await searchAll(client, `CareTeam?subject=${patient}&status=active&_include=CareTeam:participant`, { includeIncluded: true });
    const team = teamSearch.find((r) => r.resourceType === 'CareTeam');
    const members = team ? teamMembers(team, teamSearch.filter((r) => r.resourceType !== 'CareTeam')) : [];
    replaceContent(detail,
      h('h3', { id: 'thread-heading', tabindex: '-1' }, `${nameOf(patient)}: ${messages[0].topic?.text ?? 'Message'}`),
      team ? h('p', { class: 'hint', 'data-care-team': team.id }, `${team.name ?? 'Care team'}: `,
        members.map((m) => `${formatName(m.resource?.name) || 'member'}${m.roles.length ? ` (${m.roles.join(', ')})` : ''}`).join('; ')) : null,
      h('ol', { class: 'list-plain', 'aria-labelledby': 'thread-heading' }, messages.map((m) => h('li', { 'data-thread-message': m.id },
        h('p', { class: 'hint' }, `${m.sender?.reference === me ? 'You' : formatName(members.find((x) => x.reference === m.sender?.reference)?.resource?.name) || nameOf(m.sender?.reference)} · ${formatDateTime(m.sent)}`),
        h('p', null, messageBody(m)),
        attachmentsOf(m).map((a) => h('p', null, attachmentLink(a)))))),
      team ? renderReply({ ...context, team, patient, root: messages[0] }) : h('p', null, 'This patient has no active care team: replies are closed.'));
    detail.querySelector('#thread-heading').focus();
  } catch (error) {
    replaceContent(detail);
    showError(error, 'The conversation could not be opened');
  }
}

function renderReply(context) {
  const { client, me, team, patient, root } = context;
  const text = h('textarea', { name: 'reply', required: true, rows: 3 });
  const askReply = h('input', { type: 'checkbox', id: 'ask-reply', name: 'ask-reply' });
  const button = h('button', { type: 'submit' }, 'Send reply');
  return h('form', {
    class: 'reply-form',
    onsubmit: (event) => {
      event.preventDefault();
      withBusy(button, async () => {
        const patientId = patient.split('/')[1];
        const sent = await sendMessage(client, { patientId, careTeamId: team.id, sender: me, recipients: [patient], topic: root.topic?.text, text: text.value, inResponseTo: referenceOf(root) });
        if (askReply.checked) await requestReply(client, { patient, team, me, about: sent });
        await showInbox(context);
        replaceContent(context.detail);
        document.getElementById('inbox-heading')?.focus();
        showSuccess(askReply.checked ? 'Your reply was sent, asking the patient to answer.' : 'Your reply was sent.');
      }, 'Your reply could not be sent');
    },
  }, field('Reply to the patient', text), h('div', { class: 'field' }, h('div', null, askReply, ' ', h('label', { for: 'ask-reply' }, 'Ask the patient to reply'))), button);
}

/** "Please reply": a CommunicationRequest from the clinician for the patient to answer them. */
function requestReply(client, { patient, team, me, about }) {
  return fhirRequest(client, 'CommunicationRequest', {
    method: 'POST',
    body: {
      resourceType: 'CommunicationRequest', status: 'active', priority: 'routine', subject: { reference: patient }, about: [{ reference: referenceOf(about) }, { reference: `CareTeam/${team.id}` }],
      requester: { reference: me }, sender: { reference: patient }, recipient: [{ reference: me }], authoredOn: new Date().toISOString(),
      payload: [{ contentString: 'Please reply to this message.' }],
    },
  });
}
