/**
 * "Reading from your care team": the education material a clinician assigned (Tasks with code
 * patient-education#read-education, their focus the patient's own copy of the material). The patient opens one to
 * read it and says they have read it; the portal then completes the Task with the time read (executionPeriod.end):
 * the read receipt the care team sees. See docs/engagement.md "Education".
 */
import { h, replaceContent } from '../shared/elements.js';
import { fhirRequest, searchAll } from '../shared/fhir-requests.js';
import { formatDate } from '../shared/fhir-format.js';
import { showError, withBusy } from '../shared/status-messages.js';

const READ_EDUCATION = 'http://iop-fhir.org/fhir/CodeSystem/patient-education|read-education';

/** The attachment's text, decoded as UTF-8. */
function textOf(document) {
  const data = document?.content?.[0]?.attachment?.data;
  if (!data) return '';
  const bytes = Uint8Array.from(atob(data), (c) => c.charCodeAt(0));
  return new TextDecoder().decode(bytes);
}

const titleOf = (task, document) => document?.content?.[0]?.attachment?.title ?? document?.description ?? task.description?.replace(/^Read: /, '') ?? 'Reading';

function renderText(text) {
  return text.split(/\n{2,}/).map((block) => {
    const lines = block.split('\n');
    if (lines.length > 1 && lines.slice(1).every((l) => /^(- |\d+\. )/.test(l))) {
      return h('div', null, h('p', null, lines[0]), h('ul', null, lines.slice(1).map((l) => h('li', null, l.replace(/^(- |\d+\. )/, '')))));
    }
    return h('p', null, block);
  });
}

function renderItem(client, task, document, refresh) {
  const done = task.status === 'completed';
  const title = titleOf(task, document);
  const body = h('div', { class: 'education-text', hidden: true });
  const markRead = h('button', { type: 'button', hidden: true, onclick: (event) => withBusy(event.currentTarget, async () => {
    const now = new Date().toISOString();
    await fhirRequest(client, `Task/${task.id}`, {
      method: 'PUT', headers: { 'If-Match': `W/"${task.meta?.versionId}"` },
      body: { ...task, status: 'completed', executionPeriod: { start: task.executionPeriod?.start ?? now, end: now } },
    });
    await refresh();
  }, 'Your read receipt could not be saved') }, 'I have read this');
  const open = h('button', { type: 'button', class: 'secondary', 'aria-expanded': 'false', onclick: (event) => {
    const button = event.currentTarget;
    const opening = body.hidden;
    if (opening && body.childElementCount === 0) replaceContent(body, renderText(textOf(document)));
    body.hidden = !opening;
    markRead.hidden = !opening || done;
    button.setAttribute('aria-expanded', String(opening));
    button.textContent = opening ? `Close ${title}` : `Read ${title}`;
  } }, `Read ${title}`);
  return h('li', { class: 'education-item', 'data-task': task.id, 'data-status': task.status },
    h('h3', null, title),
    h('p', { class: 'hint' }, done ? `Read ${formatDate(task.executionPeriod?.end ?? task.meta?.lastUpdated)}` : `New · assigned ${formatDate(task.authoredOn)}`),
    task.note?.[0]?.text ? h('p', null, h('span', { class: 'visually-hidden' }, 'Note from your care team: '), `“${task.note[0].text}”`) : null,
    open, body, markRead);
}

export async function showEducationReading(client, target) {
  const refresh = () => showEducationReading(client, target);
  replaceContent(target, h('p', { role: 'status' }, 'Loading…'));
  try {
    const found = await searchAll(client, `Task?patient=Patient/${client.patient.id}&code=${encodeURIComponent(READ_EDUCATION)}&_include=Task:focus&_sort=-authored-on&_count=50`, { includeIncluded: true });
    const tasks = found.filter((r) => r.resourceType === 'Task' && r.status !== 'cancelled' && r.status !== 'entered-in-error');
    const documents = new Map(found.filter((r) => r.resourceType === 'DocumentReference').map((d) => [`DocumentReference/${d.id}`, d]));
    if (tasks.length === 0) {
      replaceContent(target, h('p', null, 'Nothing assigned to read yet.'));
      return;
    }
    replaceContent(target, h('ul', { class: 'list-plain education-list' }, tasks.map((task) => renderItem(client, task, documents.get(task.focus?.reference), refresh))));
  } catch (error) {
    replaceContent(target);
    showError(error, 'Your reading could not be loaded');
  }
}
