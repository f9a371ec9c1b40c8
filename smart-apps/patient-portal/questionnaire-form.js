/**
 * A stored SDC Questionnaire (PHQ-9, GAD-7: choice items with answerOption codings and ordinalValue) rendered as
 * an accessible form — one radio group per question — and its answers as a QuestionnaireResponse. Calculated,
 * read-only items (the total) are left to the server's scoring.
 */
import { h, uniqueId } from '../shared/elements.js';

const ORDINAL = 'http://hl7.org/fhir/StructureDefinition/ordinalValue';

export function ordinalOf(option) {
  return option.extension?.find((e) => e.url === ORDINAL)?.valueDecimal;
}

/**
 * @param {any} questionnaire
 * @param {{ onAnswer?: (linkId: string, ordinal: number | undefined) => void, after?: Record<string, HTMLElement | null> }} [hooks]
 * after: an element to place right after the question with that linkId (e.g. the crisis panel after PHQ-9 item 9)
 * @returns {{ element: HTMLElement, readAnswers: () => Map<string, any> }}
 */
export function renderQuestionnaire(questionnaire, hooks = {}) {
  const chosen = new Map();
  const element = h('div', { class: 'questionnaire' }, (questionnaire.item ?? []).map((item) => {
    if (item.type === 'display') return h('p', null, item.text);
    if (item.type !== 'choice' || item.readOnly) return null;
    const name = uniqueId(`q-${item.linkId}`);
    return [h('fieldset', { 'data-link-id': item.linkId },
      h('legend', null, item.text, item.required ? '' : ' (optional)'),
      (item.answerOption ?? []).map((option, index) => {
        const input = h('input', { type: 'radio', name, value: String(index), required: !!item.required });
        input.addEventListener('change', () => {
          chosen.set(item.linkId, { item, option });
          hooks.onAnswer?.(item.linkId, ordinalOf(option));
        });
        return h('label', { class: 'choice' }, input, h('span', null, option.valueCoding?.display ?? option.valueCoding?.code ?? option.valueString ?? ''));
      })), hooks.after?.[item.linkId] ?? null];
  }));
  return { element, readAnswers: () => chosen };
}

/** A completed QuestionnaireResponse from the chosen answers, in the questionnaire's item order. */
export function buildResponse(questionnaire, answers, patientId) {
  const item = (questionnaire.item ?? [])
    .filter((i) => answers.has(i.linkId))
    .map((i) => {
      const { option } = answers.get(i.linkId);
      const answer = option.valueCoding ? { valueCoding: option.valueCoding } : { valueString: option.valueString };
      return { linkId: i.linkId, text: i.text, answer: [answer] };
    });
  return {
    resourceType: 'QuestionnaireResponse',
    questionnaire: questionnaire.url,
    status: 'completed',
    subject: { reference: `Patient/${patientId}` },
    author: { reference: `Patient/${patientId}` },
    authored: new Date().toISOString(),
    item,
  };
}
