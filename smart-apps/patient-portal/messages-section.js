/**
 * The portal's "Messages" section: who is on the patient's care team (by name and role), their message threads
 * with the team (unread ones marked, opened ones marked read), a reply form per thread, and a form to start a new
 * thread with any of the team's staff, with an optional attachment. A family member signed in writes as themselves.
 */
import { field, h, replaceContent, uniqueId } from '../shared/elements.js';
import { searchAll } from '../shared/fhir-requests.js';
import { formatDateTime, formatName } from '../shared/fhir-format.js';
import {
  attachmentLink, attachmentsOf, groupThreads, isUnreadFor, markRead, messageBody, readAttachment, referenceOf, sendMessage, teamMembers, userReference,
} from '../shared/messages.js';
import { showError, showSuccess, withBusy } from '../shared/status-messages.js';

export function renderMessagesSection(client) {
  const body = h('div', { id: 'messages-body' }, h('p', { role: 'status' }, 'Loading…'));
  const section = h('section', { class: 'card', id: 'messages', 'aria-labelledby': 'messages-heading' },
    h('h2', { id: 'messages-heading' }, 'Messages'),
    h('p', { class: 'hint' }, 'Your care team reads messages during program hours. In a crisis, call or text 988 at any time.'),
    body);
  showMessages(client, body);
  return section;
}

async function showMessages(client, body, openThreadId) {
  const patientId = client.patient.id;
  const me = userReference(client) ?? `Patient/${patientId}`;
  try {
    const found = await searchAll(client, `CareTeam?subject=Patient/${patientId}&status=active&_include=CareTeam:participant`, { includeIncluded: true });
    const team = found.find((r) => r.resourceType === 'CareTeam');
    if (!team) {
      replaceContent(body, h('p', null, 'You have no active care team to message.'));
      return;
    }
    const members = teamMembers(team, found.filter((r) => r.resourceType !== 'CareTeam'));
    const nameOf = (reference) => (reference === me ? 'You' : formatName(members.find((m) => m.reference === reference)?.resource?.name) || 'Your care team');
    const messages = await searchAll(client, `Communication?subject=Patient/${patientId}&_sort=-sent&_count=100`);
    // "Please reply": the care team's open requests, by the message they are about (a reply in its thread completes them).
    const requests = await searchAll(client, `CommunicationRequest?subject=Patient/${patientId}&status=active&_count=100`);
    const requested = new Set(requests.flatMap((r) => (r.about ?? []).map((a) => a.reference)));
    const context = { client, body, team, members, me, nameOf, patientId, requested };
    replaceContent(body,
      renderTeam(team, members),
      renderThreads(context, groupThreads(messages)),
      renderNewMessageForm(context));
    // After a reply its thread stays open; callers announce success once everything is in place.
    if (openThreadId) {
      body.querySelector(`[data-thread="${openThreadId}"]`)?.click();
      await context.opening;
    }
  } catch (error) {
    replaceContent(body);
    showError(error, 'Your messages could not be loaded');
  }
}

function renderTeam(team, members) {
  return h('section', { id: 'care-team', 'aria-labelledby': 'care-team-heading' },
    h('h3', { id: 'care-team-heading' }, team.name ?? 'Your care team'),
    h('ul', { class: 'list-plain' }, members.filter((m) => !m.reference.startsWith('Patient/')).map((m) => h('li', { 'data-member': m.reference },
      h('strong', null, formatName(m.resource?.name) || 'Team member'), m.roles.length ? ` — ${m.roles.join(', ')}` : ''))));
}

function renderThreads(context, threads) {
  const { me } = context;
  if (threads.length === 0) return h('p', { id: 'threads' }, 'No messages yet.');
  return h('section', { id: 'threads', 'aria-labelledby': 'threads-heading' },
    h('h3', { id: 'threads-heading' }, 'Your conversations'),
    h('ul', { class: 'list-plain' }, threads.map((thread) => {
      const unread = thread.messages.filter((m) => isUnreadFor(m, me)).length;
      const replyRequested = thread.messages.some((m) => context.requested.has(`Communication/${m.id}`));
      const detail = h('div', { class: 'thread-detail' });
      const toggle = h('button', {
        type: 'button', class: 'session-button', 'aria-expanded': 'false', 'data-thread': thread.root.id,
        onclick: () => {
          const open = toggle.getAttribute('aria-expanded') !== 'true';
          toggle.setAttribute('aria-expanded', String(open));
          if (open) context.opening = openThread(context, thread, detail); else replaceContent(detail);
        },
      }, h('strong', null, thread.root.topic?.text ?? 'Message'), ` · ${formatDateTime(thread.latest)}`,
      unread ? h('span', { class: 'badge risk', 'data-unread': String(unread) }, `${unread} unread`) : null,
      replyRequested ? h('span', { class: 'badge status-drafts-to-sign', 'data-reply-requested': 'true' }, 'Reply requested') : null);
      return h('li', null, toggle, detail);
    })));
}

async function openThread(context, thread, detail) {
  const { client, me, nameOf } = context;
  // Read once shown: the receipts are written before the thread appears, so a reply never races them.
  for (const message of thread.messages.filter((m) => isUnreadFor(m, me))) {
    try {
      Object.assign(message, await markRead(client, message, me));
    } catch (error) {
      showError(error, 'A message could not be marked as read');
    }
  }
  replaceContent(detail,
    h('ol', { class: 'list-plain', 'aria-label': `Messages in "${thread.root.topic?.text ?? 'Message'}"` }, thread.messages.map((m) => h('li', { 'data-message': m.id },
      h('p', { class: 'hint' }, `${nameOf(m.sender?.reference)} · ${formatDateTime(m.sent)}`),
      h('p', null, messageBody(m)),
      attachmentsOf(m).map((a) => h('p', null, attachmentLink(a)))))),
    renderReplyForm(context, thread));
}

function renderReplyForm(context, thread) {
  const { client, team, members, me, patientId, body } = context;
  const staff = new Set(members.filter((m) => m.reference.startsWith('Practitioner/')).map((m) => m.reference));
  const inThread = thread.messages.flatMap((m) => [m.sender?.reference, ...(m.recipient ?? []).map((r) => r.reference)]);
  const recipients = [...new Set(inThread)].filter((r) => staff.has(r));
  const text = h('textarea', { name: 'reply', required: true, rows: 3 });
  const button = h('button', { type: 'submit' }, 'Send reply');
  return h('form', {
    class: 'reply-form',
    onsubmit: (event) => {
      event.preventDefault();
      withBusy(button, async () => {
        await sendMessage(client, { patientId, careTeamId: team.id, sender: me, recipients: recipients.length ? recipients : [...staff], topic: thread.root.topic?.text, text: text.value, inResponseTo: referenceOf(thread.root) });
        await showMessages(client, body, thread.root.id);
        showSuccess('Your reply was sent.');
      }, 'Your reply could not be sent');
    },
  }, field('Your reply', text), button);
}

function renderNewMessageForm(context) {
  const { client, team, members, me, patientId, body } = context;
  const staff = members.filter((m) => m.reference.startsWith('Practitioner/'));
  const topic = h('input', { type: 'text', name: 'topic', required: true, maxlength: '120' });
  const text = h('textarea', { name: 'message', required: true, rows: 4 });
  const file = h('input', { type: 'file', name: 'attachment' });
  const boxes = staff.map((m) => {
    const id = uniqueId('to');
    return { reference: m.reference, element: h('div', null, h('input', { type: 'checkbox', id, name: 'to', value: m.reference, checked: true }), ' ',
      h('label', { for: id }, `${formatName(m.resource?.name) || 'Team member'}${m.roles.length ? ` (${m.roles.join(', ')})` : ''}`)) };
  });
  const button = h('button', { type: 'submit' }, 'Send message');
  return h('form', {
    id: 'new-message', 'aria-labelledby': 'new-message-heading',
    onsubmit: (event) => {
      event.preventDefault();
      withBusy(button, async () => {
        const recipients = boxes.filter((b) => b.element.querySelector('input').checked).map((b) => b.reference);
        if (recipients.length === 0) throw new Error('Choose at least one person to write to.');
        const { attachment, error } = await readAttachment(file.files?.[0]);
        if (error) throw new Error(error);
        await sendMessage(client, { patientId, careTeamId: team.id, sender: me, recipients, topic: topic.value, text: text.value, attachment });
        await showMessages(client, body);
        showSuccess('Your message was sent to your care team.');
      }, 'Your message could not be sent');
    },
  },
  h('h3', { id: 'new-message-heading' }, 'Write to your care team'),
  h('fieldset', null, h('legend', null, 'To'), boxes.map((b) => b.element)),
  field('Subject', topic),
  field('Message', text),
  field('Attachment (optional)', file, 'A photo or document up to 512 KB.'),
  button);
}
