/**
 * A PHQ-9 or GAD-7 check-in: the stored Questionnaire as a form, crisis resources right under PHQ-9 item 9 the moment
 * it is answered above "Not at all", then the response POSTed and its score shown. The server scores completed
 * responses; where it has not (yet) derived a score Observation from the POST, the app asks for `$score`.
 */
import { h, replaceContent } from '../shared/elements.js';
import { fhirRequest, invokeOperation, outputsOf, searchAll } from '../shared/fhir-requests.js';
import { PHQ9_ITEM9_LINK_ID, bandOf } from '../shared/instruments.js';
import { showSuccess, withBusy } from '../shared/status-messages.js';
import { renderCrisisPanel } from './crisis-panel.js';
import { buildResponse, renderQuestionnaire } from './questionnaire-form.js';

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
  // The crisis panel's place: right after item 9, where the patient is answering.
  const crisisSlot = h('div', { class: 'crisis-slot', 'data-crisis-slot': '' });
  const form = renderQuestionnaire(questionnaire, {
    after: { [PHQ9_ITEM9_LINK_ID]: instrument.id === 'phq-9' ? crisisSlot : null },
    onAnswer: (linkId, ordinal) => {
      if (instrument.id !== 'phq-9' || linkId !== PHQ9_ITEM9_LINK_ID) return;
      const before = item9;
      item9 = ordinal ?? 0;
      if (item9 >= 1 && before < 1) replaceContent(crisisSlot, renderCrisisPanel({ afterSubmit: false }));
      if (item9 < 1) replaceContent(crisisSlot);
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
      const crisis = instrument.id === 'phq-9' && (item9 >= 1 || score.flagged);
      const severity = score.severity ?? (score.total !== undefined ? bandOf(instrument, score.total) : '');
      showSuccess('Thank you, your check-in was sent', [score.total !== undefined
        ? `Your ${instrument.title} score: ${score.total}${severity ? ` (${severity})` : ''}`
        : 'Your care team will review your answers.']);
      // Where the form was: the crisis panel stays in view of the patient who just answered item 9.
      if (crisis) {
        const panel = renderCrisisPanel({ afterSubmit: true });
        replaceContent(target, h('section', { class: 'card', 'aria-label': 'Crisis resources' }, panel));
        panel.scrollIntoView?.({ block: 'nearest' });
      } else {
        replaceContent(target);
      }
      onSubmitted();
    }, 'Your check-in was not sent');
  });
  replaceContent(target, element);
  element.querySelector('h2').focus();
}
