/**
 * Group documentation: the day's group sessions of the user's programs → one session's roster → attendance
 * ($record-attendance) → the group note with a section per member ($document-group-session) → signing ($sign).
 * An EHR launch may name a session (fhirContext Appointment), an encounter or a patient: the app opens it.
 */
import { h, replaceContent } from '../shared/elements.js';
import { fhirRequest, searchAll } from '../shared/fhir-requests.js';
import { codingLabel, formatDate, formatTime, localDateString } from '../shared/fhir-format.js';
import { connectApp } from '../shared/smart-session.js';
import { clearStatus, showError } from '../shared/status-messages.js';
import { renderAttendanceForm, renderRecordedRoster } from './attendance-view.js';
import { renderNoteForm, renderNotes } from './notes-view.js';
import { loadDaySessions, loadRoster, loadSessionRecords, programOf, resolveSession } from './session-data.js';

const client = await connectApp();
if (client) await start(client);

async function start(client) {
  const token = client.state.tokenResponse ?? {};
  const user = client.user.fhirUser;
  const dayInput = h('input', { type: 'date', id: 'day', name: 'day', value: localDateString() });
  const sessionList = h('div', { id: 'sessions', 'aria-live': 'polite' });
  const detail = h('div', { id: 'session-detail' });
  replaceContent('app',
    h('section', { class: 'card', 'aria-labelledby': 'day-heading' },
      h('h2', { id: 'day-heading' }, 'Group sessions'),
      h('div', { class: 'field' }, h('label', { for: 'day' }, 'Day'), dayInput),
      sessionList),
    detail);

  let programs = new Map();
  let currentSessionId;
  let dayRequest = 0;
  const showDay = async () => {
    const request = ++dayRequest;
    replaceContent(sessionList, h('p', { role: 'status' }, 'Loading sessions…'));
    try {
      const day = await loadDaySessions(client, dayInput.value);
      if (request !== dayRequest) return; // the user picked another day meanwhile: its answer wins
      programs = day.programs;
      renderSessionList(day.sessions);
    } catch (error) {
      if (request !== dayRequest) return;
      replaceContent(sessionList);
      showError(error, 'The sessions could not be loaded');
    }
  };

  const renderSessionList = (sessions) => {
    if (sessions.length === 0) {
      replaceContent(sessionList, h('p', null, `No group sessions of your programs on ${formatDate(dayInput.value)}.`));
      return;
    }
    replaceContent(sessionList, h('ul', { class: 'list-plain' }, sessions.map((session) => h('li', null,
      h('button', {
        type: 'button', class: 'session-button', 'data-session': session.id, 'aria-pressed': String(session.id === currentSessionId),
        onclick: () => {
          clearStatus();
          openSession(session);
        },
      },
      h('strong', null, `${formatTime(session.start)}–${formatTime(session.end)} ${codingLabel(session.serviceType?.[0]) || 'Group session'}`),
      ` · ${programs.get(programOf(session))?.name ?? ''}`,
      session.status === 'fulfilled' ? ' · attendance recorded' : '')))));
  };

  const openSession = async (session) => {
    currentSessionId = session.id;
    const stale = () => currentSessionId !== session.id;
    sessionList.querySelectorAll('[data-session]').forEach((b) => b.setAttribute('aria-pressed', String(b.dataset.session === session.id)));
    replaceContent(detail, h('p', { role: 'status' }, 'Loading the session…'));
    try {
      const fresh = await fhirRequest(client, `Appointment/${session.id}`);
      const [{ members }, records] = await Promise.all([loadRoster(client, session.id), loadSessionRecords(client, session.id)]);
      if (stale()) return;
      const reopen = () => openSession(fresh);
      const heading = h('h2', { id: 'session-heading', tabindex: '-1' },
        `${codingLabel(fresh.serviceType?.[0]) || 'Group session'}, ${formatDate(fresh.start)} ${formatTime(fresh.start)}`);
      const parts = [h('section', { class: 'card', 'aria-labelledby': 'session-heading' }, heading,
        h('p', null, `${programs.get(programOf(fresh))?.name ?? ''}${fresh.description ? ` · ${fresh.description}` : ''}`),
        members.length === 0 ? h('p', null, 'Nobody is booked in this session.') : null,
        records.sessionEncounter ? renderRecordedRoster(members) : null)];
      if (members.length > 0 && !records.sessionEncounter) {
        parts.push(renderAttendanceForm({ client, session: fresh, members, onRecorded: reopen }));
      } else if (records.sessionEncounter && records.notes.length === 0) {
        parts.push(renderNoteForm({ client, sessionEncounter: records.sessionEncounter, members, author: user, onDocumented: reopen }));
      } else if (records.notes.length > 0) {
        parts.push(renderNotes({ client, notes: records.notes, members, signer: user, onSigned: reopen }));
      }
      replaceContent(detail, ...parts);
      heading.focus();
    } catch (error) {
      replaceContent(detail);
      showError(error, 'The session could not be opened');
    }
  };

  dayInput.addEventListener('change', showDay);
  const launched = await launchedSession(client, token);
  if (launched) dayInput.value = localDateString(new Date(launched.start));
  await showDay();
  if (launched) await openSession(launched);
}

/** The session an EHR launch points at: a fhirContext Appointment, the launch encounter's, or the patient's only one that day. */
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
      const today = localDateString();
      const bookings = await searchAll(client, `Appointment?patient=Patient/${client.patient.id}&date=ge${today}&date=le${today}&_count=20`);
      if (bookings.length === 1) return await resolveSession(client, bookings[0].id);
    }
  } catch (error) {
    showError(error, 'The launch context could not be opened');
  }
  return undefined;
}
