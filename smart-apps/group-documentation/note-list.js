/**
 * The session's notes, one per member, each opening under its member's patient-context header: drafts open for review, each editable (its sections' text, saved with a
 * versioned PUT so a concurrent change is refused, not overwritten); signed notes collapsed to one line each; and the
 * button that signs every draft ($sign), whose billing report is shown with members' names instead of references.
 */
import { h } from '../shared/elements.js';
import { fhirRequest, invokeOperation, operationWarnings, outputsOf } from '../shared/fhir-requests.js';
import { renderPatientContext } from '../shared/patient-context.js';
import { showSuccess, showWarnings, withBusy } from '../shared/status-messages.js';
import { namesMentioned, otherMemberNames } from './member-names.js';
import { describeSignMessages, nameResolver } from './sign-summary.js';

/** A note's narrative as text (its sections' XHTML, never inserted as markup). */
export function noteSections(composition) {
  return (composition.section ?? []).map((section) => {
    const doc = new DOMParser().parseFromString(section.text?.div ?? '', 'text/html');
    doc.querySelectorAll('p, br, li, div, h1, h2, h3, h4, tr').forEach((el) => el.append('\n'));
    return { title: section.title ?? '', text: (doc.body.textContent ?? '').replace(/\n{3,}/g, '\n\n').trim() };
  });
}

const escapeXhtml = (text) => text.replace(/[&<>"]/g, (ch) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;' })[ch]);

/** Edited plain text back into a section's XHTML narrative: one paragraph per non-empty line. */
export function narrativeOf(text) {
  const paragraphs = text.split('\n').map((line) => line.trim()).filter(Boolean).map((line) => `<p>${escapeXhtml(line)}</p>`);
  return { status: 'additional', div: `<div xmlns="http://www.w3.org/1999/xhtml">${paragraphs.join('') || '<p>(empty)</p>'}</div>` };
}

function noteBody(note) {
  return h('div', { class: 'note-body' }, noteSections(note).map((s) => h('div', null, h('h4', null, s.title), h('p', { class: 'member-note note-text' }, s.text))));
}

/** The editor of one draft: a textarea per section, a live warning when it names another member. */
function noteEditor({ client, note, name, otherNames, onSaved, onCancel }) {
  const areas = noteSections(note).map((section) => {
    const area = h('textarea', { rows: Math.min(12, Math.max(3, section.text.split('\n').length + 1)), 'aria-label': `${section.title} (${name})` });
    area.value = section.text;
    const warning = h('p', { class: 'alert warning', role: 'status', hidden: true });
    area.addEventListener('input', () => {
      const found = namesMentioned(area.value, otherNames);
      warning.hidden = found.length === 0;
      warning.textContent = found.length ? `Mentions another group member (${found.join(', ')}): this note is ${name}'s record, remove the name before saving.` : '';
    });
    return { section, area, element: h('div', { class: 'field' }, h('h4', null, section.title), area, warning) };
  });
  const save = h('button', { type: 'submit' }, 'Save draft');
  const form = h('form', { class: 'note-editor' }, areas.map((a) => a.element),
    h('div', { class: 'inline-fields' }, save, h('button', { type: 'button', class: 'secondary', onclick: onCancel }, 'Cancel')));
  form.addEventListener('submit', (event) => {
    event.preventDefault();
    withBusy(save, async () => {
      const updated = { ...note, section: (note.section ?? []).map((section, i) => ({ ...section, text: narrativeOf(areas[i]?.area.value ?? '') })) };
      await fhirRequest(client, `Composition/${note.id}`, { method: 'PUT', body: updated, headers: { 'If-Match': `W/"${note.meta?.versionId}"` } });
      const shown = await onSaved();
      showSuccess(`Draft note of ${name} saved`, [], { keep: !shown });
    }, 'The draft was not saved');
  });
  return form;
}

/** Who the note is about, as the header above it: from the roster, else the Patient found with the notes. */
function memberContext(note, { members, patients, program, contexts }) {
  const reference = note.subject?.reference;
  const patient = members.find((m) => `Patient/${m.patientId}` === reference)?.patient ?? patients.get(reference);
  if (!patient) return null;
  const { episode, flags } = contexts.get(reference.slice(8)) ?? { flags: [] };
  return renderPatientContext({ patient, program, episode, flags, headingId: `note-patient-${note.id}`, headingLevel: 3 });
}

/**
 * @param {{ client: any, notes: any[], members: any[], attendance: any[], patients: Map<string, any>,
 *   patientNames: Map<string, string>, program?: any, contexts: Map<string, { episode?: any, flags: any[] }>,
 *   signer?: string, onChanged: () => Promise<boolean> }} options contexts: from loadPatientContexts; onChanged: after a
 *   save or signing, reads the session again (true once shown); the confirmation waits for it
 */
export function renderNotes({ client, notes, members, attendance, patients, patientNames, program, contexts, signer, onChanged }) {
  const nameOf = (note) => members.find((m) => `Patient/${m.patientId}` === note.subject?.reference)?.name
    ?? patientNames.get(note.subject?.reference) ?? 'Patient (name not available)';
  const drafts = notes.filter((n) => n.status === 'preliminary');
  const items = [...notes].sort((a, b) => nameOf(a).localeCompare(nameOf(b))).map((note) => {
    const draft = note.status === 'preliminary';
    const name = nameOf(note);
    const body = h('div', null, noteBody(note));
    const showBody = () => body.replaceChildren(noteBody(note), editButton());
    const editButton = () => (draft ? h('button', {
      type: 'button', class: 'secondary', 'data-edit': note.id,
      onclick: () => {
        const patientId = note.subject?.reference?.slice(8);
        const editor = noteEditor({ client, note, name, otherNames: otherMemberNames(members, patientId), onSaved: onChanged, onCancel: showBody });
        body.replaceChildren(editor);
        editor.querySelector('textarea')?.focus();
      },
    }, `Edit note of ${name}`) : null);
    showBody();
    return h('li', { 'data-note': note.id },
      h('details', { class: 'note card', open: draft },
        h('summary', null, h('span', { class: 'note-title' }, `${name} — ${draft ? 'draft' : 'signed'}`), ' ',
          h('span', { class: `badge status-${draft ? 'drafts-to-sign' : 'signed'}` }, draft ? 'Draft' : 'Signed')),
        memberContext(note, { members, patients, program, contexts }),
        body));
  });
  const sign = h('button', { type: 'button' }, `Sign ${drafts.length} note${drafts.length === 1 ? '' : 's'}`);
  sign.addEventListener('click', () => withBusy(sign, async () => {
    const result = await invokeOperation(client, 'Composition/$sign', [
      ...drafts.map((n) => ({ name: 'note', valueReference: { reference: `Composition/${n.id}` } })),
      ...(signer?.startsWith('Practitioner/') ? [{ name: 'signer', valueReference: { reference: signer } }] : []),
    ]);
    const signed = outputsOf(result, 'signed').length;
    const claims = outputsOf(result, 'claimsWritten')[0]?.valueInteger ?? 0;
    const shown = await onChanged();
    showSuccess(`${signed} note${signed === 1 ? '' : 's'} signed`, [`${claims} claim${claims === 1 ? '' : 's'} written or extended`], { keep: !shown });
    showWarnings('Billing', describeSignMessages(operationWarnings(result), nameResolver(members, attendance)));
  }, 'The notes were not signed'));
  const toggle = (open) => () => items.forEach((item) => { item.querySelector('details').open = open; });
  return h('section', { class: 'card', 'aria-labelledby': 'notes-heading' },
    h('h2', { id: 'notes-heading' }, 'Notes'),
    h('div', { class: 'inline-fields' },
      h('button', { type: 'button', class: 'link', onclick: toggle(true) }, 'Expand all notes'),
      h('button', { type: 'button', class: 'link', onclick: toggle(false) }, 'Collapse all notes')),
    h('ul', { class: 'list-plain' }, items),
    drafts.length ? sign : h('p', { class: 'hint' }, 'All notes are signed.'));
}
