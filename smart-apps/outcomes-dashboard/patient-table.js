/**
 * A program's patients at a glance, so a manager sees who needs attention without opening each one: latest PHQ-9 and
 * GAD-7 with the change since the first score, active risk flags, and attendance over the last 30 days — from a few
 * searches for the whole program (EpisodeOfCare + Patient, score Observations, Flags) and its $attendance report.
 */
import { renderDataTable } from '../shared/data-table.js';
import { h } from '../shared/elements.js';
import { fhirRequest, outputsOf, partOf, searchAll } from '../shared/fhir-requests.js';
import { codingLabel, formatDate, formatName, localDateString } from '../shared/fhir-format.js';
import { INSTRUMENTS, scoreSeries } from '../shared/instruments.js';
import { ageOn } from '../shared/patient-context.js';

const ATTENDANCE_DAYS = 30;

async function searchForPatients(client, query, patientIds) {
  const found = [];
  for (let i = 0; i < patientIds.length; i += 40) {
    found.push(...await searchAll(client, `${query}&patient=${patientIds.slice(i, i + 40).map((id) => `Patient/${id}`).join(',')}`));
  }
  return found;
}

/** Attendance per patient from the program's $attendance report; empty when the server does not offer it. */
async function loadAttendance(client, programId, now) {
  const start = localDateString(new Date(now.getFullYear(), now.getMonth(), now.getDate() - ATTENDANCE_DAYS));
  try {
    const report = await fhirRequest(client, `HealthcareService/${programId}/$attendance?start=${start}&end=${localDateString(now)}`);
    return new Map(outputsOf(report, 'patient').map((p) => [partOf(p, 'patient')?.valueReference?.reference, {
      rate: partOf(p, 'attendanceRate')?.valueDecimal,
      attended: partOf(p, 'sessionsAttended')?.valueInteger ?? 0,
      scheduled: partOf(p, 'sessionsScheduled')?.valueInteger ?? 0,
    }]));
  } catch {
    return new Map();
  }
}

function scoreSummary(observations, instrument) {
  const series = scoreSeries(observations, instrument);
  if (series.length === 0) return undefined;
  const latest = series[series.length - 1];
  return { latest: latest.total, date: latest.date, change: series.length > 1 ? latest.total - series[0].total : undefined, count: series.length };
}

/** @returns {Promise<any[]>} one row per enrolled patient */
export async function loadPatientRows(client, program, now = new Date()) {
  const resources = await searchAll(client, `EpisodeOfCare?program=HealthcareService/${program.id}&_include=EpisodeOfCare:patient&_count=200`, { includeIncluded: true });
  const patients = resources.filter((r) => r.resourceType === 'Patient');
  const episodes = resources.filter((r) => r.resourceType === 'EpisodeOfCare');
  const ids = patients.map((p) => p.id);
  if (ids.length === 0) return [];
  const codes = Object.values(INSTRUMENTS).map((i) => `http://loinc.org|${i.totalLoinc}`).join(',');
  const [observations, flags, attendance] = await Promise.all([
    searchForPatients(client, `Observation?code=${encodeURIComponent(codes)}&_sort=date&_count=1000`, ids),
    searchForPatients(client, 'Flag?status=active&_count=500', ids).catch(() => []),
    loadAttendance(client, program.id, now),
  ]);
  return patients.map((patient) => {
    const reference = `Patient/${patient.id}`;
    const own = observations.filter((o) => o.subject?.reference === reference);
    const episode = episodes.filter((e) => e.patient?.reference === reference).sort((a, b) => (a.period?.start ?? '').localeCompare(b.period?.start ?? '')).pop();
    return {
      id: patient.id, patient, name: formatName(patient.name) || 'Unnamed patient', age: ageOn(patient.birthDate, now),
      mrn: patient.identifier?.[0]?.value, enrolled: episode?.status === 'active', episode,
      phq9: scoreSummary(own, INSTRUMENTS['phq-9']), gad7: scoreSummary(own, INSTRUMENTS['gad-7']),
      flags: flags.filter((f) => f.subject?.reference === reference).map((f) => codingLabel(f.code) || 'Flag'),
      attendance: attendance.get(reference),
    };
  });
}

const signed = (n) => (n === undefined ? '' : n > 0 ? `+${n}` : String(n));
const percent = (rate) => (rate === undefined ? undefined : Math.round(rate * 100));

function scoreColumns(key, label) {
  return [
    { key: `${key}-latest`, label: `${label} latest`, numeric: true, sortValue: (r) => r[key]?.latest, render: (r) => (r[key] ? [String(r[key].latest), h('span', { class: 'score-date' }, formatDate(r[key].date))] : '—'), csv: (r) => r[key]?.latest },
    { key: `${key}-change`, label: `${label} change`, numeric: true, sortValue: (r) => r[key]?.change, render: (r) => signed(r[key]?.change) || '—', csv: (r) => r[key]?.change },
  ];
}

/**
 * @param {{ rows: any[], program: any, onOpen: (patientId: string) => void }} options
 */
export function renderPatientTable({ rows, program, onOpen }) {
  const columns = [
    { key: 'name', label: 'Patient', sortValue: (r) => r.name, render: (r) => h('button', { type: 'button', class: 'link', 'data-patient': r.id, onclick: () => onOpen(r.id) }, r.name), csv: (r) => r.name },
    { key: 'age', label: 'Age', numeric: true, sortValue: (r) => r.age, csv: (r) => r.age },
    { key: 'status', label: 'Status', sortValue: (r) => (r.enrolled ? 'Enrolled' : 'Discharged'), render: (r) => h('span', { class: `badge ${r.enrolled ? 'active' : 'ended'}` }, r.enrolled ? 'Enrolled' : 'Discharged') },
    ...scoreColumns('phq9', 'PHQ-9'),
    ...scoreColumns('gad7', 'GAD-7'),
    { key: 'risk', label: 'Risk flags', sortValue: (r) => r.flags.length || undefined, render: (r) => (r.flags.length ? r.flags.map((f) => h('span', { class: 'badge risk', title: f }, f)) : '—'), csv: (r) => r.flags.join('; ') },
    { key: 'attendance', label: `Attendance (${ATTENDANCE_DAYS} days)`, numeric: true, sortValue: (r) => percent(r.attendance?.rate),
      render: (r) => (r.attendance?.scheduled ? `${percent(r.attendance.rate)} % (${r.attendance.attended}/${r.attendance.scheduled})` : '—'), csv: (r) => percent(r.attendance?.rate) },
  ];
  return renderDataTable({
    id: 'patient-table', caption: `Patients of ${program.name ?? 'the program'}`, columns, rows, rowKey: (r) => r.id,
    filename: `${(program.name ?? 'program').replace(/[^A-Za-z0-9]+/g, '-').toLowerCase()}-patients.csv`, sortBy: 'name',
  });
}
