/**
 * The outcomes dashboard: the user's programs → a program's outcome report for a period and its enrolled
 * patients → one patient's outcomes. An EHR launch with a patient opens that patient's outcomes.
 */
import { h, replaceContent } from '../shared/elements.js';
import { searchAll } from '../shared/fhir-requests.js';
import { formatDate, formatName } from '../shared/fhir-format.js';
import { connectApp } from '../shared/smart-session.js';
import { loadUserPrograms } from '../shared/user-programs.js';
import { clearStatus, showError } from '../shared/status-messages.js';
import { showPatientOutcomes } from './patient-outcomes.js';
import { renderReportForm } from './program-report.js';

const client = await connectApp();
if (client) await start(client);

async function start(client) {
  const programList = h('div', { id: 'programs' });
  const report = h('div', { id: 'program-report' });
  const patients = h('div', { id: 'program-patients' });
  const patientView = h('div', { id: 'patient-outcomes' });
  replaceContent('app',
    h('section', { class: 'card', 'aria-labelledby': 'programs-heading' }, h('h2', { id: 'programs-heading' }, 'Programs'), programList),
    report, patients, patientView);

  const openPatient = (patientId) => {
    clearStatus();
    showPatientOutcomes({ client, patientId, target: patientView }).catch((error) => {
      replaceContent(patientView);
      showError(error, 'The patient\'s outcomes could not be loaded');
    });
  };

  let openedProgram;
  const openProgram = async (program, button) => {
    openedProgram = program.id;
    clearStatus();
    programList.querySelectorAll('[aria-pressed]').forEach((b) => b.setAttribute('aria-pressed', String(b === button)));
    replaceContent(patientView);
    renderReportForm({ client, program, target: report });
    replaceContent(patients, h('p', { role: 'status' }, 'Loading patients…'));
    try {
      const resources = await searchAll(client, `EpisodeOfCare?program=HealthcareService/${program.id}&_include=EpisodeOfCare:patient&_count=200`, { includeIncluded: true });
      if (openedProgram !== program.id) return; // another program was picked meanwhile
      const people = resources.filter((r) => r.resourceType === 'Patient').sort((a, b) => formatName(a.name).localeCompare(formatName(b.name)));
      replaceContent(patients, h('section', { class: 'card', 'aria-labelledby': 'patients-heading' },
        h('h2', { id: 'patients-heading' }, 'Patients'),
        people.length === 0 ? h('p', null, 'Nobody is enrolled in this program.') : h('ul', { class: 'list-plain' }, people.map((p) => h('li', null,
          h('button', { type: 'button', class: 'link', 'data-patient': p.id, onclick: () => openPatient(p.id) }, formatName(p.name) || `Patient ${p.id}`),
          p.birthDate ? h('span', { class: 'hint' }, ` · born ${formatDate(p.birthDate)}`) : null)))));
    } catch (error) {
      replaceContent(patients);
      showError(error, 'The program\'s patients could not be loaded');
    }
  };

  try {
    const programs = await loadUserPrograms(client);
    replaceContent(programList, programs.length === 0 ? h('p', null, 'No programs are visible to you.') : h('ul', { class: 'list-plain' }, programs.map((program) => {
      const button = h('button', { type: 'button', class: 'session-button', 'aria-pressed': 'false', 'data-program': program.id }, program.name ?? program.id);
      button.addEventListener('click', () => openProgram(program, button));
      return h('li', null, button);
    })));
  } catch (error) {
    showError(error, 'The programs could not be loaded');
  }
  if (client.patient.id) openPatient(client.patient.id);
}
