/**
 * "How was your care?": once the patient has been discharged (their latest enrollment has ended and none is active),
 * the portal offers the MHSIP satisfaction survey (Questionnaire mhsip-satisfaction) once per discharge, and thanks
 * them when they have answered it. The program's outcome report counts the answers (docs/engagement.md).
 */
import { h, replaceContent } from '../shared/elements.js';
import { fhirRequest, searchAll } from '../shared/fhir-requests.js';
import { formatDate } from '../shared/fhir-format.js';
import { showSuccess, withBusy } from '../shared/status-messages.js';
import { buildResponse, renderQuestionnaire } from './questionnaire-form.js';

const SURVEY = 'http://iop-fhir.org/fhir/Questionnaire/mhsip-satisfaction';

/** The enrollment that ended last, when no enrollment is active. */
function lastDischarge(episodes) {
  if (episodes.some((e) => e.status === 'active' || e.status === 'onhold' || e.status === 'waitlist' || e.status === 'planned')) return undefined;
  return episodes.filter((e) => e.status === 'finished' && e.period?.end).sort((a, b) => b.period.end.localeCompare(a.period.end))[0];
}

function openSurvey(client, questionnaire, target, section) {
  const form = renderQuestionnaire(questionnaire);
  const submit = h('button', { type: 'submit' }, 'Send my answers');
  const element = h('form', { 'aria-label': questionnaire.title ?? 'Satisfaction survey' },
    h('p', null, 'Your answers help the program improve. Your care team sees them; you can skip any statement except the first three.'),
    form.element, submit,
    questionnaire.copyright ? h('p', { class: 'hint' }, questionnaire.copyright) : null);
  element.addEventListener('submit', (event) => {
    event.preventDefault();
    if (!element.reportValidity()) return;
    withBusy(submit, async () => {
      await fhirRequest(client, 'QuestionnaireResponse', { method: 'POST', body: buildResponse(questionnaire, form.readAnswers(), client.patient.id) });
      showSuccess('Thank you for telling us about your care');
      await showSatisfactionSurvey(client, target, section);
    }, 'Your answers were not sent');
  });
  replaceContent(target, element);
}

/** @param {HTMLElement} section the card to show only after a discharge */
export async function showSatisfactionSurvey(client, target, section) {
  try {
    const episodes = await searchAll(client, `EpisodeOfCare?patient=Patient/${client.patient.id}&_count=50`);
    const discharge = lastDischarge(episodes);
    if (!discharge) {
      section.hidden = true;
      return;
    }
    const responses = await searchAll(client, `QuestionnaireResponse?patient=Patient/${client.patient.id}&_count=100`);
    const answered = responses.filter((r) => r.questionnaire === SURVEY && (r.authored ?? '') >= discharge.period.start)
      .sort((a, b) => b.authored.localeCompare(a.authored))[0];
    section.hidden = false;
    if (answered) {
      replaceContent(target, h('p', { 'data-survey': 'answered' }, `Thank you: you told us about your care on ${formatDate(answered.authored)}.`));
      return;
    }
    const [questionnaire] = await searchAll(client, `Questionnaire?url=${encodeURIComponent(SURVEY)}&_count=1`);
    if (!questionnaire) {
      section.hidden = true;
      return;
    }
    const start = h('button', { type: 'button', onclick: () => openSurvey(client, questionnaire, target, section) }, 'Start the survey');
    replaceContent(target, h('p', null, `Your time in the program ended on ${formatDate(discharge.period.end)}. Would you tell us how your care was? It takes about five minutes.`), start);
  } catch {
    section.hidden = true; // the survey is an offer: its absence must not break the portal
  }
}
