/**
 * "How was your care?": the portal offers the MHSIP satisfaction survey (Questionnaire mhsip-satisfaction) once per
 * discharge, and at set intervals while the patient is in treatment (survey-schedule.js: when, on the program's
 * clock), and thanks them when they have answered. The program's outcome report counts the answers
 * (docs/engagement.md "Satisfaction").
 */
import { h, replaceContent } from '../shared/elements.js';
import { fhirRequest, searchAll } from '../shared/fhir-requests.js';
import { findExtension, formatDate } from '../shared/fhir-format.js';
import { browserTimeZone, dateInZone, declaredTimeZone } from '../shared/time-zones.js';
import { showSuccess, withBusy } from '../shared/status-messages.js';
import { buildResponse, renderQuestionnaire } from './questionnaire-form.js';
import { SURVEY_INTERVAL_DAYS, surveyOffer } from './survey-schedule.js';

const SURVEY = 'http://iop-fhir.org/fhir/Questionnaire/mhsip-satisfaction';
const PROGRAM_EXTENSION = 'http://iop-fhir.org/fhir/StructureDefinition/program';

/**
 * The clock of the patient's programs, as in "Upcoming sessions": the program's time zone, else its site's, else the
 * viewer's. Programs of one organisation share a zone, so the first one found is the one used.
 */
async function programZone(client, episodes) {
  const ids = [...new Set(episodes.map((e) => findExtension(e, PROGRAM_EXTENSION)?.valueReference?.reference)
    .filter((r) => r?.startsWith('HealthcareService/')).map((r) => r.slice(18)))];
  if (ids.length === 0) return browserTimeZone();
  try {
    const found = await searchAll(client, `HealthcareService?_id=${ids.join(',')}&_include=HealthcareService:location&_count=50`, { includeIncluded: true });
    return found.map(declaredTimeZone).find(Boolean) ?? browserTimeZone();
  } catch {
    return browserTimeZone();
  }
}

function openSurvey(client, questionnaire, target) {
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
      const sent = await fhirRequest(client, 'QuestionnaireResponse', { method: 'POST', body: buildResponse(questionnaire, form.readAnswers(), client.patient.id) });
      showSuccess('Thank you for telling us about your care');
      replaceContent(target, thanks(sent?.authored ? sent : { authored: new Date().toISOString() }));
    }, 'Your answers were not sent');
  });
  replaceContent(target, element);
}

const thanks = (answered) => h('p', { 'data-survey': 'answered' }, `Thank you: you told us about your care on ${formatDate(answered.authored)}.`);

/** @param {HTMLElement} section the card, shown only while there is an offer (or the thanks after a discharge) */
export async function showSatisfactionSurvey(client, target, section) {
  try {
    const episodes = await searchAll(client, `EpisodeOfCare?patient=Patient/${client.patient.id}&_count=50`);
    const responses = (await searchAll(client, `QuestionnaireResponse?patient=Patient/${client.patient.id}&_count=100`)).filter((r) => r.questionnaire === SURVEY);
    const zone = await programZone(client, episodes);
    const offer = surveyOffer({ episodes, responses, today: dateInZone(new Date(), zone), dateOf: (instant) => dateInZone(instant, zone) });
    if (!offer) {
      section.hidden = true;
      return;
    }
    section.hidden = false;
    if (offer.answered) {
      replaceContent(target, thanks(offer.answered));
      return;
    }
    const [questionnaire] = await searchAll(client, `Questionnaire?url=${encodeURIComponent(SURVEY)}&_count=1`);
    if (!questionnaire) {
      section.hidden = true;
      return;
    }
    const start = h('button', { type: 'button', onclick: () => openSurvey(client, questionnaire, target) }, 'Start the survey');
    const invitation = offer.reason === 'discharge'
      ? `Your time in the program ended on ${formatDate(offer.episode.period.end)}. Would you tell us how your care was? It takes about five minutes.`
      : `You have been in the program since ${formatDate(offer.episode.period.start)}. Every ${SURVEY_INTERVAL_DAYS} days we ask how your care is going: would you tell us? It takes about five minutes.`;
    replaceContent(target, h('p', { 'data-survey-offer': offer.reason }, invitation), start);
  } catch {
    section.hidden = true; // the survey is an offer: its absence must not break the portal
  } finally {
    section.dataset.checked = 'true'; // decided, shown or not
  }
}
