/**
 * "Reading for a patient": the clinician picks one of their patients (whose active care team they are on, as for
 * "Write to a patient"), sees the reading already assigned to them with whether and when it was read (the reading
 * Task's status and executionPeriod.end, the read receipt the portal writes), and assigns a piece of the education
 * library (listed by DocumentReference/$education-library, since a clinician's token cannot search the library itself)
 * with $assign-education. See docs/engagement.md "Education".
 */
import { field, h, replaceContent, select } from '../shared/elements.js';
import { fhirRequest, invokeOperation, searchAll } from '../shared/fhir-requests.js';
import { formatDate, formatName } from '../shared/fhir-format.js';
import { referenceOf, userReference } from '../shared/messages.js';
import { showError, showSuccess, withBusy } from '../shared/status-messages.js';

const READ_EDUCATION = 'http://iop-fhir.org/fhir/CodeSystem/patient-education|read-education';

const titleOf = (document) => document?.content?.[0]?.attachment?.title ?? document?.description ?? 'Reading';

export function renderEducationAssign(client) {
  const body = h('div', { id: 'assign-reading-body' }, h('p', { role: 'status' }, 'Loading…'));
  const section = h('section', { class: 'card', id: 'assign-reading', 'aria-labelledby': 'assign-reading-heading' },
    h('h2', { id: 'assign-reading-heading' }, 'Reading for a patient'),
    h('p', { class: 'hint' }, 'Give a patient something from the education library to read; you see here when they have read it.'),
    body);
  const me = userReference(client);
  if (!me) replaceContent(body, h('p', null, 'Sign in as a clinician to assign reading.'));
  else showForm(client, me, body).catch((error) => {
    replaceContent(body);
    showError(error, 'The education library or your patients could not be loaded');
  });
  return section;
}

async function showForm(client, me, body) {
  const [found, library] = await Promise.all([
    searchAll(client, `CareTeam?participant=${me}&status=active&_include=CareTeam:subject&_count=200`, { includeIncluded: true }),
    fhirRequest(client, 'DocumentReference/$education-library'),
  ]);
  const patients = [...new Map(found.filter((r) => r.resourceType === 'Patient').map((p) => [referenceOf(p), p])).values()]
    .sort((a, b) => formatName(a.name).localeCompare(formatName(b.name)));
  const materials = (library.entry ?? []).map((e) => e.resource);
  if (patients.length === 0) {
    replaceContent(body, h('p', null, 'You are not on the care team of any patient in treatment.'));
    return;
  }
  const patient = select('reading-patient', patients.map((p) => [p.id, formatName(p.name)]));
  const material = select('material', materials.map((d) => [d.id, titleOf(d)]));
  const note = h('textarea', { name: 'reading-note', rows: 2, maxlength: '500' });
  const assigned = h('div', { id: 'assigned-reading', 'aria-live': 'polite' });
  const button = h('button', { type: 'submit' }, 'Assign reading');
  const nameOf = () => formatName(patients.find((p) => p.id === patient.value)?.name);
  const refresh = () => showAssigned(client, patient.value, nameOf(), assigned);
  patient.addEventListener('change', refresh);
  const form = h('form', {
    id: 'assign-reading-form', 'aria-label': 'Assign reading',
    onsubmit: (event) => {
      event.preventDefault();
      withBusy(button, async () => {
        await invokeOperation(client, 'DocumentReference/$assign-education', [
          { name: 'material', valueReference: { reference: `DocumentReference/${material.value}` } },
          { name: 'patient', valueReference: { reference: `Patient/${patient.value}` } },
          ...(note.value.trim() ? [{ name: 'note', valueString: note.value.trim() }] : []),
        ]);
        note.value = '';
        showSuccess(`${titleOf(materials.find((d) => d.id === material.value))} was assigned to ${nameOf()}.`);
        await refresh();
      }, 'The reading could not be assigned');
    },
  }, field('Patient', patient), field('Reading', material), field('Note to the patient (optional)', note), button);
  replaceContent(body, form, assigned);
  await refresh();
}

/** The patient's reading Tasks with their copies, newest first: read (when) or not yet. */
async function showAssigned(client, patientId, name, target) {
  const request = String(Number(target.dataset.request ?? 0) + 1);
  target.dataset.request = request; // a later choice of patient wins over an answer still on its way
  replaceContent(target, h('p', { role: 'status' }, 'Loading…'));
  try {
    const found = await searchAll(client, `Task?patient=Patient/${patientId}&code=${encodeURIComponent(READ_EDUCATION)}&_include=Task:focus&_sort=-authored-on&_count=50`, { includeIncluded: true });
    if (target.dataset.request !== request) return;
    const tasks = found.filter((r) => r.resourceType === 'Task' && r.status !== 'cancelled' && r.status !== 'entered-in-error');
    const documents = new Map(found.filter((r) => r.resourceType === 'DocumentReference').map((d) => [referenceOf(d), d]));
    const heading = h('h3', { id: 'assigned-reading-heading' }, `Reading assigned to ${name}`);
    if (tasks.length === 0) {
      replaceContent(target, heading, h('p', null, 'Nothing assigned yet.'));
      return;
    }
    replaceContent(target, heading, h('ul', { class: 'list-plain', 'aria-labelledby': 'assigned-reading-heading' }, tasks.map((task) => {
      const read = task.status === 'completed';
      return h('li', { 'data-reading-task': task.id, 'data-status': task.status },
        h('strong', null, documents.has(task.focus?.reference) ? titleOf(documents.get(task.focus.reference)) : task.description ?? 'Reading'),
        ` · assigned ${formatDate(task.authoredOn)} · `,
        read ? h('span', { class: 'badge active' }, `Read ${formatDate(task.executionPeriod?.end ?? task.meta?.lastUpdated)}`) : h('span', { class: 'badge status-drafts-to-sign' }, 'Not read yet'));
    })));
  } catch (error) {
    replaceContent(target);
    showError(error, 'The assigned reading could not be loaded');
  }
}
