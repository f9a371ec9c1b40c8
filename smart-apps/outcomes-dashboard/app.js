/**
 * The outcomes dashboard: the user's programs → a program's outcome report for a period and its patients in one
 * sortable table (latest scores, change, risk flags, attendance; CSV) with the chosen patient's outcomes beside it,
 * and its outcomes by clinician; and the programs' outcomes by month, compared in one chart. An EHR launch with a patient opens that patient.
 */
import { h, replaceContent } from '../shared/elements.js';
import { connectApp } from '../shared/smart-session.js';
import { loadUserPrograms } from '../shared/user-programs.js';
import { clearStatus, showError } from '../shared/status-messages.js';
import { renderClinicianTrends } from './clinician-trends.js';
import { showPatientOutcomes } from './patient-outcomes.js';
import { loadPatientRows, renderPatientTable } from './patient-table.js';
import { renderProgramTrends } from './program-trends.js';
import { renderReportForm } from './program-report.js';

const client = await connectApp();
if (client) await start(client);

async function start(client) {
  const programList = h('div', { id: 'programs' });
  const report = h('div', { id: 'program-report' });
  const patients = h('div', { id: 'program-patients' });
  const patientView = h('div', { id: 'patient-outcomes', class: 'detail-pane' });
  const clinicians = h('div', { id: 'clinician-trends' });
  const trends = h('div', { id: 'program-trends' });
  replaceContent('app',
    h('section', { class: 'card', 'aria-labelledby': 'programs-heading' }, h('h2', { id: 'programs-heading' }, 'Programs'), programList),
    report,
    // The patient's detail opens beside the list (below it on a phone), not a screen further down.
    h('div', { class: 'split patients-split' }, patients, patientView),
    clinicians,
    trends);

  let openedProgram;
  const openPatient = (patientId, program) => {
    clearStatus();
    patients.querySelectorAll('tr[data-row]').forEach((row) => row.classList.toggle('selected', row.dataset.row === patientId));
    showPatientOutcomes({ client, patientId, target: patientView, program })
      .then(() => patientView.scrollIntoView?.({ block: 'nearest' }))
      .catch((error) => {
        replaceContent(patientView);
        showError(error, 'The patient\'s outcomes could not be loaded');
      });
  };

  const openProgram = async (program, button) => {
    openedProgram = program.id;
    clearStatus();
    programList.querySelectorAll('[aria-pressed]').forEach((b) => b.setAttribute('aria-pressed', String(b === button)));
    replaceContent(patientView);
    renderReportForm({ client, program, target: report });
    renderClinicianTrends({ client, program, target: clinicians });
    replaceContent(patients, h('p', { role: 'status' }, 'Loading patients…'));
    try {
      const rows = await loadPatientRows(client, program);
      if (openedProgram !== program.id) return; // another program was picked meanwhile
      replaceContent(patients, h('section', { class: 'card', 'aria-labelledby': 'patients-heading' },
        h('h2', { id: 'patients-heading' }, 'Patients'),
        rows.length === 0 ? h('p', null, 'Nobody is enrolled in this program.') : renderPatientTable({ rows, program, onOpen: (id) => openPatient(id, program) })));
    } catch (error) {
      replaceContent(patients);
      showError(error, 'The program\'s patients could not be loaded');
    }
  };

  try {
    const programs = await loadUserPrograms(client);
    replaceContent(programList, programs.length === 0 ? h('p', null, 'No programs are visible to you.') : h('ul', { class: 'list-plain program-list' }, programs.map((program) => {
      const button = h('button', { type: 'button', class: 'session-button', 'aria-pressed': 'false', 'data-program': program.id }, program.name ?? program.id);
      button.addEventListener('click', () => openProgram(program, button));
      return h('li', null, button);
    })));
    if (programs.length > 0) renderProgramTrends({ client, programs, target: trends });
  } catch (error) {
    showError(error, 'The programs could not be loaded');
  }
  if (client.patient.id) openPatient(client.patient.id);
}
