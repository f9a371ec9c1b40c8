/**
 * Group documentation: the day's group sessions of the user's programs, each with where its documentation stands →
 * one session's roster → attendance ($record-attendance) → the group note with a section per member
 * ($document-group-session) → review and edit the drafts → signing ($sign). Times are on the program's clock.
 * An EHR launch may name a session (fhirContext Appointment), an encounter or a patient: the app opens it. Below, the
 * clinician's inbox of patient messages (inbox.js), and reading assigned to a patient (education-assign.js).
 */
import { h, replaceContent } from '../shared/elements.js';
import { fhirRequest, searchAll } from '../shared/fhir-requests.js';
import { codingLabel, localDateString } from '../shared/fhir-format.js';
import { connectApp } from '../shared/smart-session.js';
import { clearStatus, showError } from '../shared/status-messages.js';
import { browserTimeZone, dateInZone, formatDateInZone, formatTimeRangeInZone } from '../shared/time-zones.js';
import { loadPatientContexts } from '../shared/patient-context.js';
import { loadUserPrograms } from '../shared/user-programs.js';
import { renderAttendanceForm, renderRecordedRoster } from './attendance-view.js';
import { renderInbox } from './inbox.js';
import { renderEducationAssign } from './education-assign.js';
import { DOCUMENTATION_STATES, documentationBadge, loadDocumentationStatus } from './documentation-status.js';
import { renderNoteForm } from './note-form.js';
import { renderNotes } from './note-list.js';
import { loadDaySessions, loadProgramZones, loadRoster, loadSessionRecords, programOf, resolveSession } from './session-data.js';

const client = await connectApp();
if (client) await start(client);

async function start(client) {
  const token = client.state.tokenResponse ?? {};
  const user = client.user.fhirUser;
  let programList = [];
  try {
    programList = await loadUserPrograms(client);
  } catch (error) {
    showError(error, 'Your programs could not be loaded');
  }
  const programs = new Map(programList.map((p) => [`HealthcareService/${p.id}`, p]));
  let zones = new Map();
  try {
    zones = await loadProgramZones(client, programList);
  } catch (error) {
    showError(error, 'The programs\' sites could not be loaded');
  }
  const zoneOf = (session) => zones.get(programOf(session)) ?? browserTimeZone();
  const dayInput = h('input', { type: 'date', id: 'day', name: 'day', value: localDateString() });
  const sessionList = h('div', { id: 'sessions', 'aria-live': 'polite' });
  const detail = h('div', { id: 'session-detail' });
  replaceContent('app',
    h('div', { class: 'split' },
      h('section', { class: 'card day-panel', 'aria-labelledby': 'day-heading' },
        h('h2', { id: 'day-heading' }, 'Group sessions'),
        h('div', { class: 'field' }, h('label', { for: 'day' }, 'Day'), dayInput),
        sessionList),
      detail),
    renderInbox(client),
    renderEducationAssign(client));

  let currentSessionId;
  let dayRequest = 0;
  const showDay = async ({ quiet = false } = {}) => {
    const request = ++dayRequest;
    if (!quiet) replaceContent(sessionList, h('p', { role: 'status' }, 'Loading sessions…'));
    try {
      const sessions = await loadDaySessions(client, dayInput.value, programs, zones);
      const status = await loadDocumentationStatus(client, sessions, new Date());
      if (request !== dayRequest) return; // the user picked another day meanwhile: its answer wins
      renderSessionList(sessions, status);
    } catch (error) {
      if (request !== dayRequest) return;
      replaceContent(sessionList);
      showError(error, 'The sessions could not be loaded');
    }
  };

  const renderSessionList = (sessions, status) => {
    if (sessions.length === 0) {
      replaceContent(sessionList, h('p', null, `No group sessions of your programs on ${formatDateInZone(`${dayInput.value}T12:00:00Z`, 'UTC')}.`));
      return;
    }
    const todo = sessions.filter((s) => DOCUMENTATION_STATES[status.get(s.id)?.state]?.todo).length;
    replaceContent(sessionList,
      h('p', { class: 'hint', 'data-summary': 'documentation' }, todo === 0 ? 'Nothing left to document on this day.' : `${todo} of ${sessions.length} session${sessions.length === 1 ? '' : 's'} need${todo === 1 ? 's' : ''} documentation.`),
      h('ul', { class: 'list-plain' }, sessions.map((session) => h('li', null,
        h('button', {
          type: 'button', class: 'session-button', 'data-session': session.id, 'aria-pressed': String(session.id === currentSessionId),
          onclick: () => {
            clearStatus();
            openSession(session);
          },
        },
        h('span', { class: 'session-time' }, formatTimeRangeInZone(session.start, session.end, zoneOf(session))), ' ',
        h('strong', null, codingLabel(session.serviceType?.[0]) || 'Group session'), ' ',
        h('span', { class: 'session-program' }, programs.get(programOf(session))?.name ?? ''), ' ',
        documentationBadge(status.get(session.id)))))));
  };

  /** Shows a session; true once it is on screen (false if it failed, or another session was opened meanwhile). */
  const openSession = async (session, { keepStatus = false } = {}) => {
    currentSessionId = session.id;
    const stale = () => currentSessionId !== session.id;
    sessionList.querySelectorAll('[data-session]').forEach((b) => b.setAttribute('aria-pressed', String(b.dataset.session === session.id)));
    if (!keepStatus) replaceContent(detail, h('p', { role: 'status' }, 'Loading the session…'));
    try {
      const fresh = await fhirRequest(client, `Appointment/${session.id}`);
      const [{ members }, records] = await Promise.all([loadRoster(client, session.id), loadSessionRecords(client, session.id)]);
      const noteSubjects = [...new Set(records.notes.map((n) => n.subject?.reference?.slice(8)).filter(Boolean))];
      const contexts = noteSubjects.length ? await loadPatientContexts(client, noteSubjects, programOf(fresh)) : new Map();
      if (stale()) return false;
      // After each step the session and the day list (its badges) are read again from the server. A step announces
      // its success only once this has settled, so the confirmation describes what is on screen and nothing is
      // re-rendered (moving focus to the heading) under a user who has started on the next step.
      const afterChange = async () => {
        const [opened] = await Promise.all([openSession(fresh, { keepStatus: true }), showDay({ quiet: true })]);
        return opened;
      };
      const zone = zoneOf(fresh);
      const heading = h('h2', { id: 'session-heading', tabindex: '-1' },
        `${codingLabel(fresh.serviceType?.[0]) || 'Group session'}, ${formatDateInZone(fresh.start, zone)}, ${formatTimeRangeInZone(fresh.start, fresh.end, zone)}`);
      const parts = [h('section', { class: 'card', 'aria-labelledby': 'session-heading' }, heading,
        h('p', null, `${programs.get(programOf(fresh))?.name ?? ''}${fresh.description ? ` · ${fresh.description}` : ''}`),
        members.length === 0 ? h('p', null, 'Nobody is booked in this session.') : null,
        records.sessionEncounter ? renderRecordedRoster(members, records.attendance) : null)];
      if (members.length > 0 && !records.sessionEncounter) {
        parts.push(renderAttendanceForm({ client, session: fresh, members, onRecorded: afterChange }));
      } else if (records.sessionEncounter && records.notes.length === 0) {
        parts.push(renderNoteForm({ client, sessionEncounter: records.sessionEncounter, members, author: user, onDocumented: afterChange }));
      } else if (records.notes.length > 0) {
        parts.push(renderNotes({
          client, notes: records.notes, members, attendance: records.attendance, patients: records.patients, patientNames: records.patientNames,
          program: programs.get(programOf(fresh)), contexts, signer: user, onChanged: afterChange,
        }));
      }
      replaceContent(detail, ...parts);
      heading.focus();
      return true;
    } catch (error) {
      replaceContent(detail);
      showError(error, 'The session could not be opened');
      return false;
    }
  };

  dayInput.addEventListener('change', () => showDay());
  const launched = await launchedSession(client, token);
  // "Today" on the clock of the user's (first) program, not the viewer's.
  const firstZone = zones.values().next().value;
  if (launched) dayInput.value = dateInZone(launched.start, zoneOf(launched));
  else if (firstZone) dayInput.value = dateInZone(new Date(), firstZone);
  await showDay();
  if (launched) await openSession(launched);
}

/** The session an EHR launch points at: a fhirContext Appointment, the launch encounter's, or the patient's only one today. */
async function launchedSession(client, token) {
  try {
    const appointment = (token.fhirContext ?? []).map((c) => c.reference).find((r) => r?.startsWith('Appointment/'));
    if (appointment) return await resolveSession(client, appointment.slice(12));
    if (token.encounter) {
      const encounter = await fhirRequest(client, `Encounter/${token.encounter}`);
      const booked = encounter.appointment?.[0]?.reference;
      if (booked?.startsWith('Appointment/')) return await resolveSession(client, booked.slice(12));
    }
    if (client.patient.id) {
      const now = Date.now();
      const from = new Date(now - 12 * 3600_000).toISOString();
      const to = new Date(now + 12 * 3600_000).toISOString();
      const bookings = await searchAll(client, `Appointment?patient=Patient/${client.patient.id}&date=${encodeURIComponent(`ge${from}`)}&date=${encodeURIComponent(`le${to}`)}&_count=20`);
      if (bookings.length === 1) return await resolveSession(client, bookings[0].id);
    }
  } catch (error) {
    showError(error, 'The launch context could not be opened');
  }
  return undefined;
}
