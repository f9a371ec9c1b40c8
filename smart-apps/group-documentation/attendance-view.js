/**
 * The roster of one session and its attendance form: a status per booked patient (present, late, left early,
 * absent excused/unexcused), minutes for partial attendance, a reason for absences → $record-attendance.
 */
import { h, replaceContent, select, uniqueId } from '../shared/elements.js';
import { invokeOperation, operationWarnings, outputsOf } from '../shared/fhir-requests.js';
import { showSuccess, showWarnings, withBusy } from '../shared/status-messages.js';
import { recordedStatusOf } from './session-data.js';
import { ABSENCE_REASONS, ATTENDANCE_STATUSES, ATTENDED, PARTIAL, SYSTEMS, coding, labelFor } from './vocabulary.js';

/** Read-only roster once attendance is recorded. */
export function renderRecordedRoster(members) {
  return h('table', { class: 'data-table' },
    h('caption', null, 'Attendance (recorded)'),
    h('thead', null, h('tr', null, h('th', { scope: 'col' }, 'Member'), h('th', { scope: 'col' }, 'Attendance'))),
    h('tbody', null, members.map((m) => h('tr', null, h('th', { scope: 'row' }, m.name), h('td', null, labelFor(ATTENDANCE_STATUSES, recordedStatusOf(m.booking) ?? '') || 'not recorded')))));
}

/**
 * @param {{ client: any, session: any, members: any[], onRecorded: () => void }} options
 */
export function renderAttendanceForm({ client, session, members, onRecorded }) {
  const minutesTotal = session.minutesDuration ?? Math.round((new Date(session.end) - new Date(session.start)) / 60000);
  const rows = members.map((member) => {
    const statusId = uniqueId('status');
    const status = select('status', ATTENDANCE_STATUSES, 'present');
    status.id = statusId;
    const minutes = h('input', { type: 'number', name: 'minutes', min: '0', max: String(minutesTotal), inputmode: 'numeric', disabled: true, 'aria-label': `Minutes attended by ${member.name}` });
    const reason = select('reason', ABSENCE_REASONS, '');
    reason.disabled = true;
    reason.setAttribute('aria-label', `Absence reason for ${member.name}`);
    status.setAttribute('aria-label', `Attendance of ${member.name}`);
    status.addEventListener('change', () => {
      minutes.disabled = !PARTIAL.has(status.value);
      minutes.required = PARTIAL.has(status.value);
      reason.disabled = ATTENDED.has(status.value);
    });
    const row = h('tr', { 'data-patient': member.patientId }, h('th', { scope: 'row' }, member.name), h('td', null, status), h('td', null, minutes), h('td', null, reason));
    return { member, row, status, minutes, reason };
  });
  const submit = h('button', { type: 'submit' }, 'Record attendance');
  const form = h('form', { class: 'card', 'aria-labelledby': 'attendance-heading' },
    h('h2', { id: 'attendance-heading' }, 'Attendance'),
    h('p', { class: 'hint' }, `Session length ${minutesTotal} minutes. Give the minutes attended for late arrivals and early departures.`),
    h('table', { class: 'data-table' },
      h('thead', null, h('tr', null, h('th', { scope: 'col' }, 'Member'), h('th', { scope: 'col' }, 'Attendance'), h('th', { scope: 'col' }, 'Minutes'), h('th', { scope: 'col' }, 'Absence reason'))),
      h('tbody', null, rows.map((r) => r.row))),
    submit);
  form.addEventListener('submit', (event) => {
    event.preventDefault();
    if (!form.reportValidity()) return;
    const parameter = rows.map(({ member, status, minutes, reason }) => ({
      name: 'participant',
      part: [
        { name: 'patient', valueReference: { reference: `Patient/${member.patientId}` } },
        { name: 'status', valueCode: status.value },
        ...(PARTIAL.has(status.value) && minutes.value !== '' ? [{ name: 'minutesAttended', valueInteger: Number(minutes.value) }] : []),
        ...(!ATTENDED.has(status.value) && reason.value ? [{ name: 'absenceReason', valueCoding: coding(SYSTEMS.absenceReason, ABSENCE_REASONS, reason.value) }] : []),
      ],
    }));
    withBusy(submit, async () => {
      const result = await invokeOperation(client, `Appointment/${session.id}/$record-attendance`, parameter);
      const count = (name) => outputsOf(result, name)[0]?.valueInteger ?? 0;
      showSuccess('Attendance recorded', [`${count('attended')} attended, ${count('absent')} absent`,
        ...(count('flagsRaised') ? [`${count('flagsRaised')} missed-session flag(s) raised for follow-up`] : [])]);
      showWarnings('Please note', operationWarnings(result));
      onRecorded();
    }, 'Attendance was not recorded');
  });
  return form;
}

export function renderRosterPlaceholder(target) {
  replaceContent(target, h('p', { role: 'status' }, 'Loading roster…'));
}
