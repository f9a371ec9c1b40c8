/**
 * The patient portal: the signed-in patient's own context header (program, level of care), upcoming sessions, messages
 * with their care team, PHQ-9 and GAD-7 check-ins, their progress
 * (score series over the severity bands), and their privacy (consents to share Part 2 records, who received them).
 */
import { h, replaceContent } from '../shared/elements.js';
import { searchAll } from '../shared/fhir-requests.js';
import { INSTRUMENTS, scoreSeries } from '../shared/instruments.js';
import { loadMedications, renderMedicationList } from '../shared/medication-list.js';
import { renderScoreChart } from '../shared/score-chart.js';
import { connectApp } from '../shared/smart-session.js';
import { clearStatus, showError } from '../shared/status-messages.js';
import { openCheckIn } from './check-in.js';
import { renderMessagesSection } from './messages-section.js';
import { showEducationReading } from './education-reading.js';
import { showSatisfactionSurvey } from './satisfaction-survey.js';
import { renderOwnContext } from './own-context.js';
import { renderPrivacySection } from './privacy-section.js';
import { showUpcomingSessions } from './upcoming-sessions.js';

const client = await connectApp();
if (client) start(client);

function start(client) {
  if (!client.patient.id) {
    replaceContent('app', h('p', { class: 'alert error', role: 'alert' }, 'This portal is for patients: sign in with a patient account.'));
    return;
  }
  const sessions = h('div', { id: 'sessions' });
  const checkIn = h('div', { id: 'check-in' });
  const progress = h('div', { id: 'progress' });
  const medications = h('div', { id: 'medications' });
  const reading = h('div', { id: 'reading' });
  const survey = h('div', { id: 'survey' });
  const surveySection = h('section', { class: 'card', 'aria-labelledby': 'survey-heading', hidden: true }, h('h2', { id: 'survey-heading' }, 'How was your care?'), survey);
  const startButtons = Object.values(INSTRUMENTS).map((instrument) => h('button', {
    type: 'button', class: 'secondary', onclick: () => {
      clearStatus();
      openCheckIn({ client, instrument, target: checkIn, onSubmitted: () => showProgress(client, progress) })
        .catch((error) => showError(error, 'The check-in could not be opened'));
    },
  }, `Start ${instrument.title} check-in`));
  const onThisPage = [['sessions-heading', 'Upcoming sessions'], ['messages-heading', 'Messages'], ['check-in-start', 'Check-in'], ['progress-heading', 'Your progress'], ['reading-heading', 'Reading from your care team'], ['medications-heading', 'Your medications'], ['privacy-heading', 'Your privacy']];
  replaceContent('app',
    renderOwnContext(client),
    surveySection,
    h('nav', { class: 'page-nav', 'aria-label': 'On this page' }, h('ul', null, onThisPage.map(([id, label]) => h('li', null, h('a', { href: `#${id}` }, label))))),
    h('section', { class: 'card', 'aria-labelledby': 'sessions-heading' }, h('h2', { id: 'sessions-heading' }, 'Upcoming sessions'), sessions),
    renderMessagesSection(client),
    h('section', { class: 'card', 'aria-labelledby': 'check-in-start' }, h('h2', { id: 'check-in-start' }, 'Check-in'),
      h('p', null, 'A few questions about the last two weeks. Your care team sees your answers.'),
      h('div', { class: 'inline-fields' }, startButtons)),
    checkIn,
    h('section', { class: 'card', 'aria-labelledby': 'progress-heading' }, h('h2', { id: 'progress-heading' }, 'Your progress'), progress),
    h('section', { class: 'card', 'aria-labelledby': 'reading-heading' }, h('h2', { id: 'reading-heading' }, 'Reading from your care team'), reading),
    h('section', { class: 'card', 'aria-labelledby': 'medications-heading' }, h('h2', { id: 'medications-heading' }, 'Your medications'), medications),
    renderPrivacySection(client));
  showUpcomingSessions(client, sessions);
  showProgress(client, progress);
  showMedications(client, medications);
  showEducationReading(client, reading);
  showSatisfactionSurvey(client, survey, surveySection);
}

async function showMedications(client, target) {
  replaceContent(target, h('p', { role: 'status' }, 'Loading…'));
  try {
    replaceContent(target, renderMedicationList(await loadMedications(client, client.patient.id)),
      h('p', { class: 'hint' }, 'Questions about a medication or a side effect? Ask your prescriber at your next visit, or message your care team.'));
  } catch (error) {
    replaceContent(target);
    showError(error, 'Your medications could not be loaded');
  }
}

async function showProgress(client, target) {
  replaceContent(target, h('p', { role: 'status' }, 'Loading…'));
  try {
    const codes = Object.values(INSTRUMENTS).map((i) => `http://loinc.org|${i.totalLoinc}`).join(',');
    const observations = await searchAll(client, `Observation?patient=Patient/${client.patient.id}&code=${encodeURIComponent(codes)}&_sort=date&_count=200`);
    replaceContent(target, Object.values(INSTRUMENTS).map((instrument) => renderScoreChart(instrument, scoreSeries(observations, instrument))));
  } catch (error) {
    replaceContent(target);
    showError(error, 'Your progress could not be loaded');
  }
}
