/**
 * A PHQ-9 or GAD-7 check-in: the stored Questionnaire as a form, crisis resources the moment PHQ-9 item 9 is
 * answered above "Not at all", then the response POSTed and its score shown. The server scores completed
 * responses; where it has not (yet) derived a score Observation from the POST, the app asks for `$score`.
 */
import { h, replaceContent } from '../shared/elements.js';
import { fhirRequest, invokeOperation, outputsOf, searchAll } from '../shared/fhir-requests.js';
import { PHQ9_ITEM9_LINK_ID, bandOf } from '../shared/instruments.js';
import { showSuccess, withBusy } from '../shared/status-messages.js';
import { buildResponse, renderQuestionnaire } from './questionnaire-form.js';

/** Crisis resources (988 Suicide & Crisis Lifeline), shown at the top of the page and announced immediately. */
export function showCrisisResources(afterSubmit) {
  const region = document.getElementById('crisis');
  replaceContent(region, h('div', { class: 'crisis', role: 'alert' },
    h('h2', null, 'If you are thinking about hurting yourself, help is available now'),
    h('p', null, h('strong', null, 'Call or text 988'), ' (Suicide & Crisis Lifeline, 24/7), or chat at 988lifeline.org.'),
    h('p', null, 'If you are in immediate danger, call 911 or go to the nearest emergency room.'),
    h('p', null, afterSubmit
      ? 'Your care team has been alerted and will reach out to you today.'
      : 'When you submit this check-in, your care team is alerted so they can reach out to you today.')));
  region.hidden = false;
  region.scrollIntoView?.({ block: 'start' });
}

function hideCrisisResources() {
  const region = document.getElementById('crisis');
  region.hidden = true;
  replaceContent(region);
}

async function loadQuestionnaire(client, instrument) {
  const [questionnaire] = await searchAll(client, `Questionnaire?url=${encodeURIComponent(instrument.questionnaire)}&_count=1`);
  if (!questionnaire) throw new Error(`The ${instrument.title} questionnaire is not available on this server.`);
  return questionnaire;
}

/** The score of a stored response: the Observation the server derived, else the result of `$score`. */
async function scoreOf(client, responseId) {
  const [observation] = await searchAll(client, `Observation?derived-from=QuestionnaireResponse/${responseId}&_count=1`);
  if (observation) return { total: observation.valueInteger, severity: observation.interpretation?.[0]?.text, flagged: undefined };
  const result = await invokeOperation(client, `QuestionnaireResponse/${responseId}/$score`, []);
  const score = outputsOf(result, 'score')[0]?.resource;
  return {
    total: outputsOf(result, 'total')[0]?.valueInteger,
    severity: score?.interpretation?.[0]?.text ?? outputsOf(result, 'severity')[0]?.valueCode,
    flagged: outputsOf(result, 'flag').length > 0,
  };
}

/**
 * @param {{ client: any, instrument: any, target: HTMLElement, onSubmitted: () => void }} options
 */
export async function openCheckIn({ client, instrument, target, onSubmitted }) {
  replaceContent(target, h('p', { role: 'status' }, 'Loading the questionnaire…'));
  const questionnaire = await loadQuestionnaire(client, instrument);
  let item9 = 0;
  const form = renderQuestionnaire(questionnaire, {
    onAnswer: (linkId, ordinal) => {
      if (instrument.id !== 'phq-9' || linkId !== PHQ9_ITEM9_LINK_ID) return;
      item9 = ordinal ?? 0;
      if (item9 >= 1) showCrisisResources(false);
      else hideCrisisResources();
    },
  });
  const submit = h('button', { type: 'submit' }, 'Submit check-in');
  const element = h('form', { class: 'card', 'aria-labelledby': 'check-in-heading' },
    h('h2', { id: 'check-in-heading', tabindex: '-1' }, questionnaire.title ?? instrument.title),
    form.element,
    submit,
    questionnaire.copyright ? h('p', { class: 'hint' }, questionnaire.copyright) : null);
  element.addEventListener('submit', (event) => {
    event.preventDefault();
    if (!element.reportValidity()) return;
    withBusy(submit, async () => {
      const response = buildResponse(questionnaire, form.readAnswers(), client.patient.id);
      const stored = await fhirRequest(client, 'QuestionnaireResponse', { method: 'POST', body: response });
      const score = await scoreOf(client, stored.id);
      if (instrument.id === 'phq-9' && (item9 >= 1 || score.flagged)) showCrisisResources(true);
      const severity = score.severity ?? (score.total !== undefined ? bandOf(instrument, score.total) : '');
      showSuccess('Thank you, your check-in was sent', [score.total !== undefined
        ? `Your ${instrument.title} score: ${score.total}${severity ? ` (${severity})` : ''}`
        : 'Your care team will review your answers.']);
      replaceContent(target);
      onSubmitted();
    }, 'Your check-in was not sent');
  });
  replaceContent(target, element);
  element.querySelector('h2').focus();
}
