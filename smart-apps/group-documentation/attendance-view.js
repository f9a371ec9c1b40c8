/**
 * The roster of one session and its attendance form: a status per booked patient (present, late, left early,
 * absent excused/unexcused), minutes for partial attendance, a reason for absences → $record-attendance. A session
 * that meets online (the virtual-service extension) also asks how each attending member joined (video or phone, from
 * home or not): the modality and place that billing needs (docs/engagement.md "Telehealth").
 */
import { h, select, uniqueId } from '../shared/elements.js';
import { invokeOperation, operationWarnings, outputsOf } from '../shared/fhir-requests.js';
import { showError, showSuccess, showWarnings, withBusy } from '../shared/status-messages.js';
import { findExtension } from '../shared/fhir-format.js';
import { EXT, recordedStatusOf } from './session-data.js';
import { ABSENCE_REASONS, ATTENDANCE_STATUSES, ATTENDED, PARTIAL, SYSTEMS, coding, labelFor } from './vocabulary.js';

const VIRTUAL_SERVICE = 'http://iop-fhir.org/fhir/StructureDefinition/virtual-service';
/** How a member joined a virtual session: [value, label]; the value is "modality|home" or "modality|elsewhere". */
const JOINED_CHOICES = [
  ['video|home', 'Video, from home'], ['video|elsewhere', 'Video, not from home'],
  ['audio-only|home', 'Phone, from home'], ['audio-only|elsewhere', 'Phone, not from home'], ['in-person|', 'In person'],
];

/** The $record-attendance parts for how a member joined a virtual session. */
function joinedParts(value) {
  const [modality, place] = value.split('|');
  return [{ name: 'modality', valueCode: modality }, ...(modality === 'in-person' ? [] : [{ name: 'patientAtHome', valueBoolean: place === 'home' }])];
}

/** Read-only roster once attendance is recorded: every member, absent ones included, with minutes for partial attendance. */
export function renderRecordedRoster(members, attendance) {
  const minutesOf = (member) => {
    const encounter = attendance.find((e) => e.subject?.reference === `Patient/${member.patientId}`);
    return findExtension(encounter, EXT.minutesAttended)?.valueInteger ?? encounter?.length?.value;
  };
  return h('table', { class: 'data-table compact', 'data-recorded-attendance': '' },
    h('caption', null, 'Attendance (recorded)'),
    h('thead', null, h('tr', null, h('th', { scope: 'col' }, 'Member'), h('th', { scope: 'col' }, 'Attendance'), h('th', { scope: 'col' }, 'Minutes'))),
    h('tbody', null, members.map((m) => {
      const status = recordedStatusOf(m.booking);
      return h('tr', { 'data-patient': m.patientId }, h('th', { scope: 'row' }, m.name),
        h('td', null, status ? labelFor(ATTENDANCE_STATUSES, status) : 'not recorded'),
        h('td', null, ATTENDED.has(status ?? '') ? String(minutesOf(m) ?? '—') : '—'));
    })));
}

/**
 * @param {{ client: any, session: any, members: any[], onRecorded: () => Promise<boolean> }} options onRecorded: reads
 *   the session again; true once it is shown (the confirmation waits for it)
 */
export function renderAttendanceForm({ client, session, members, onRecorded }) {
  const minutesTotal = session.minutesDuration ?? Math.round((new Date(session.end) - new Date(session.start)) / 60000);
  const virtual = findExtension(session, VIRTUAL_SERVICE);
  const defaultJoined = findExtension(virtual, 'channel')?.valueCoding?.code === 'PHONE' ? 'audio-only|home' : 'video|home';
  const rows = members.map((member) => {
    const statusId = uniqueId('status');
    // No default: every member is marked by the clinician (a default of "present" would record everyone with one click).
    const status = select('status', [['', 'Choose…'], ...ATTENDANCE_STATUSES], '');
    status.id = statusId;
    status.required = true;
    const minutes = h('input', { type: 'number', name: 'minutes', min: '0', max: String(minutesTotal), inputmode: 'numeric', disabled: true, 'aria-label': `Minutes attended by ${member.name}` });
    const reason = select('reason', ABSENCE_REASONS, '');
    reason.disabled = true;
    reason.setAttribute('aria-label', `Absence reason for ${member.name}`);
    const joined = virtual ? select('joined', JOINED_CHOICES, defaultJoined) : undefined;
    if (joined) {
      joined.disabled = true;
      joined.setAttribute('aria-label', `How ${member.name} joined`);
    }
    status.setAttribute('aria-label', `Attendance of ${member.name}`);
    status.addEventListener('change', () => {
      minutes.disabled = !PARTIAL.has(status.value);
      minutes.required = PARTIAL.has(status.value);
      reason.disabled = status.value === '' || ATTENDED.has(status.value);
      if (joined) joined.disabled = !ATTENDED.has(status.value);
      row.classList.toggle('unmarked', status.value === '');
    });
    const row = h('tr', { 'data-patient': member.patientId, class: 'unmarked' }, h('th', { scope: 'row' }, member.name), h('td', null, status), h('td', null, minutes), h('td', null, reason),
      joined ? h('td', null, joined) : null);
    return { member, row, status, minutes, reason, joined };
  });
  const submit = h('button', { type: 'submit' }, 'Record attendance');
  // novalidate: the app checks the marking itself and names the members still unmarked.
  const form = h('form', { class: 'card', 'aria-labelledby': 'attendance-heading', novalidate: true },
    h('h2', { id: 'attendance-heading' }, 'Attendance'),
    h('p', { class: 'hint' }, `Mark every member. Session length ${minutesTotal} minutes: give the minutes attended for late arrivals and early departures.`),
    virtual ? h('p', { class: 'hint' }, 'This session meets online: say how each member joined (it decides the place of service on the claim).') : null,
    h('table', { class: 'data-table' },
      h('thead', null, h('tr', null, h('th', { scope: 'col' }, 'Member'), h('th', { scope: 'col' }, 'Attendance'), h('th', { scope: 'col' }, 'Minutes'), h('th', { scope: 'col' }, 'Absence reason'),
        virtual ? h('th', { scope: 'col' }, 'Joined') : null)),
      h('tbody', null, rows.map((r) => r.row))),
    submit);
  form.addEventListener('submit', (event) => {
    event.preventDefault();
    const unmarked = rows.filter((r) => r.status.value === '');
    if (unmarked.length > 0) {
      showError({ messages: [`Not marked yet: ${unmarked.map((r) => r.member.name).join(', ')}`] }, 'Mark the attendance of every member before recording');
      unmarked[0].status.focus();
      return;
    }
    if (!form.reportValidity()) return;
    const parameter = rows.map(({ member, status, minutes, reason, joined }) => ({
      name: 'participant',
      part: [
        { name: 'patient', valueReference: { reference: `Patient/${member.patientId}` } },
        { name: 'status', valueCode: status.value },
        ...(PARTIAL.has(status.value) && minutes.value !== '' ? [{ name: 'minutesAttended', valueInteger: Number(minutes.value) }] : []),
        ...(!ATTENDED.has(status.value) && reason.value ? [{ name: 'absenceReason', valueCoding: coding(SYSTEMS.absenceReason, ABSENCE_REASONS, reason.value) }] : []),
        ...(joined && ATTENDED.has(status.value) ? joinedParts(joined.value) : []),
      ],
    }));
    withBusy(submit, async () => {
      const result = await invokeOperation(client, `Appointment/${session.id}/$record-attendance`, parameter);
      const count = (name) => outputsOf(result, name)[0]?.valueInteger ?? 0;
      const shown = await onRecorded();
      showSuccess('Attendance recorded', [`${count('attended')} attended, ${count('absent')} absent`,
        ...(count('flagsRaised') ? [`${count('flagsRaised')} missed-session flag(s) raised for follow-up`] : [])], { keep: !shown });
      showWarnings('Please note', operationWarnings(result));
    }, 'Attendance was not recorded');
  });
  return form;
}

