/**
 * The group note form: the shared part written once and one section per attendee (absent members get an absence
 * note) → $document-group-session, which writes one draft note per member that never names the others (the
 * drafts are shown, edited and signed in note-list.js).
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
 * @param {{ client: any, sessionEncounter: any, members: any[], author?: string, onDocumented: () => Promise<boolean> }} options
 *   onDocumented: reads the session again; true once its drafts are shown (the confirmation waits for it)
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
      const shown = await onDocumented();
      showSuccess(`${notes} draft note${notes === 1 ? '' : 's'} written`, redacted ? [`${redacted} mention(s) of other members were replaced in the notes`] : [], { keep: !shown });
      showWarnings('Please note', operationWarnings(result));
    }, 'The notes were not written');
  });
  return form;
}
