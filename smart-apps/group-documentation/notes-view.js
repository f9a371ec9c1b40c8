/**
 * The group note: the shared part written once and one section per attendee (absent members get an absence
 * note) → $document-group-session, which writes one draft note per member that never names the others; then the
 * drafts shown member by member and signed together with $sign.
 */
import { field, h, select, uniqueId } from '../shared/elements.js';
import { invokeOperation, operationWarnings, outputsOf } from '../shared/fhir-requests.js';
import { showSuccess, showWarnings, withBusy } from '../shared/status-messages.js';
import { namesMentioned, otherMemberNames } from './member-names.js';
import { recordedStatusOf } from './session-data.js';
import { ATTENDED, MODALITIES, PARTICIPATION, RESPONSES, RISK_LEVELS, SYSTEMS, coding } from './vocabulary.js';

const textarea = (name, required = false) => h('textarea', { name, required, rows: 3 });

/** A member's free text, with a live warning when it names another member. */
function memberText(label, name, otherNames) {
  const control = textarea(name);
  const warning = h('p', { class: 'alert warning', role: 'status', hidden: true });
  control.addEventListener('input', () => {
    const found = namesMentioned(control.value, otherNames);
    warning.hidden = found.length === 0;
    warning.textContent = found.length ? `Mentions another group member (${found.join(', ')}): it will be replaced by "[another group member]" in this member's note.` : '';
  });
  const wrapper = field(label, control);
  wrapper.append(warning);
  return { wrapper, control };
}

function memberFieldset(member, members) {
  const attended = ATTENDED.has(recordedStatusOf(member.booking) ?? '');
  const others = otherMemberNames(members, member.patientId);
  const legend = h('legend', null, `${member.name}${attended ? '' : ' (absent)'}`);
  if (!attended) {
    const plan = memberText('Plan / follow-up', 'plan', others);
    return { member, attended, element: h('fieldset', { 'data-patient': member.patientId }, legend, plan.wrapper), read: () => ({ plan: plan.control.value }) };
  }
  const participation = select('participation', PARTICIPATION, 'engaged');
  const response = select('response', RESPONSES, 'receptive');
  const risk = select('risk', RISK_LEVELS, '');
  const progress = memberText('Progress and observations', 'progress', others);
  const plan = memberText('Plan', 'plan', others);
  const element = h('fieldset', { 'data-patient': member.patientId }, legend,
    h('div', { class: 'inline-fields' }, field('Participation', participation), field('Response to interventions', response), field('Risk', risk)),
    progress.wrapper, plan.wrapper);
  return {
    member, attended, element,
    read: () => ({ participation: participation.value, response: response.value, risk: risk.value, progress: progress.control.value, plan: plan.control.value }),
  };
}

function memberParameter(section) {
  const values = section.read();
  const text = (name, value) => (value && value.trim() ? [{ name, valueString: value.trim() }] : []);
  const part = [{ name: 'patient', valueReference: { reference: `Patient/${section.member.patientId}` } }];
  if (section.attended) {
    part.push({ name: 'participation', valueCoding: coding(SYSTEMS.participation, PARTICIPATION, values.participation) });
    part.push({ name: 'response', valueCoding: coding(SYSTEMS.response, RESPONSES, values.response) });
    part.push(...text('progress', values.progress));
    if (values.risk) part.push({ name: 'riskLevel', valueCoding: coding(SYSTEMS.riskLevel, RISK_LEVELS, values.risk) });
  }
  part.push(...text('plan', values.plan));
  return { name: 'member', part };
}

/**
 * @param {{ client: any, sessionEncounter: any, members: any[], author?: string, onDocumented: () => void }} options
 */
export function renderNoteForm({ client, sessionEncounter, members, author, onDocumented }) {
  const topic = h('input', { type: 'text', name: 'topic', required: true });
  const modality = select('modality', MODALITIES, 'cbt');
  const interventions = textarea('interventions', true);
  const summary = textarea('summary');
  const sections = members.filter((m) => recordedStatusOf(m.booking)).map((m) => memberFieldset(m, members));
  const submit = h('button', { type: 'submit' }, 'Write notes');
  const headingId = uniqueId('notes-heading');
  const form = h('form', { class: 'card', 'aria-labelledby': headingId },
    h('h2', { id: headingId }, 'Group note'),
    h('p', { class: 'hint' }, 'The shared part goes into every attendee\'s note; each member section goes only into that member\'s note. Absent members get an absence note.'),
    h('fieldset', null, h('legend', null, 'Shared part'),
      field('Topic', topic), field('Modality', modality), field('Interventions', interventions), field('Group summary', summary, 'Describe the group without naming members.')),
    h('h3', null, 'Member sections'),
    sections.map((s) => s.element),
    submit);
  form.addEventListener('submit', (event) => {
    event.preventDefault();
    if (!form.reportValidity()) return;
    const parameter = [
      { name: 'shared', part: [
        { name: 'topic', valueString: topic.value.trim() },
        { name: 'modality', valueCoding: coding(SYSTEMS.modality, MODALITIES, modality.value) },
        { name: 'interventions', valueString: interventions.value.trim() },
        ...(summary.value.trim() ? [{ name: 'summary', valueString: summary.value.trim() }] : []),
      ] },
      ...sections.map(memberParameter),
      ...(author?.startsWith('Practitioner/') ? [{ name: 'author', valueReference: { reference: author } }] : []),
    ];
    withBusy(submit, async () => {
      const result = await invokeOperation(client, `Encounter/${sessionEncounter.id}/$document-group-session`, parameter);
      const notes = outputsOf(result, 'note').length;
      const redacted = outputsOf(result, 'namesRedacted')[0]?.valueInteger ?? 0;
      showSuccess(`${notes} draft note${notes === 1 ? '' : 's'} written`, redacted ? [`${redacted} mention(s) of other members were replaced in the notes`] : []);
      showWarnings('Please note', operationWarnings(result));
      onDocumented();
    }, 'The notes were not written');
  });
  return form;
}

/** A note's narrative as text (its sections' XHTML, never inserted as markup). */
function noteText(composition) {
  return (composition.section ?? []).map((section) => {
    const doc = new DOMParser().parseFromString(section.text?.div ?? '', 'text/html');
    doc.querySelectorAll('p, br, li, div, h1, h2, h3, h4, tr').forEach((el) => el.append('\n'));
    return { title: section.title ?? '', text: (doc.body.textContent ?? '').replace(/\n{3,}/g, '\n\n').trim() };
  });
}

/**
 * The drafts (or signed notes), one per member, and the button that signs every draft.
 * @param {{ client: any, notes: any[], members: any[], signer?: string, onSigned: () => void }} options
 */
export function renderNotes({ client, notes, members, signer, onSigned }) {
  const nameOf = (composition) => members.find((m) => `Patient/${m.patientId}` === composition.subject?.reference)?.name ?? composition.subject?.reference;
  const drafts = notes.filter((n) => n.status === 'preliminary');
  const sign = h('button', { type: 'button' }, `Sign ${drafts.length} note${drafts.length === 1 ? '' : 's'}`);
  sign.addEventListener('click', () => withBusy(sign, async () => {
    const result = await invokeOperation(client, 'Composition/$sign', [
      ...drafts.map((n) => ({ name: 'note', valueReference: { reference: `Composition/${n.id}` } })),
      ...(signer?.startsWith('Practitioner/') ? [{ name: 'signer', valueReference: { reference: signer } }] : []),
    ]);
    const signed = outputsOf(result, 'signed').length;
    const claims = outputsOf(result, 'claimsWritten')[0]?.valueInteger ?? 0;
    showSuccess(`${signed} note${signed === 1 ? '' : 's'} signed`, [`${claims} claim(s) written or extended`]);
    showWarnings('Please note', operationWarnings(result));
    onSigned();
  }, 'The notes were not signed'));
  return h('section', { class: 'card', 'aria-labelledby': 'notes-heading' },
    h('h2', { id: 'notes-heading' }, 'Notes'),
    h('ul', { class: 'list-plain' }, notes.map((note) => h('li', { class: 'card', 'data-note': note.id },
      h('h3', null, `${nameOf(note)} — ${note.status === 'final' ? 'signed' : 'draft'}`),
      noteText(note).map((s) => h('div', null, h('h4', null, s.title), h('p', { class: 'member-note note-text' }, s.text)))))),
    drafts.length ? sign : h('p', { class: 'hint' }, 'All notes are signed.'));
}
