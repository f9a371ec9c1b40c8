/**
 * Note templates (profiles/questionnaires: IOP Note Template Questionnaires, identified by their note-kind code):
 * finding one by canonical, checking that a response answers every required item, and turning the answers into
 * Composition sections, one per top-level group of the template.
 */
import type { Coding, CompositionSection, Questionnaire, QuestionnaireItem, QuestionnaireResponse, QuestionnaireResponseItem, QuestionnaireResponseItemAnswer } from '@medplum/fhirtypes';
import { loadConformance } from '../../conformance/load-conformance';
import { CS } from './iop-vocabulary';
import { noteSection } from './map-note';

export function findNoteTemplate(canonical: string | undefined): Questionnaire | undefined {
  if (!canonical) return undefined;
  const [url, version] = canonical.split('|');
  return loadConformance().resources.find((r): r is Questionnaire =>
    r.resourceType === 'Questionnaire' && (r as Questionnaire).url === url && (version === undefined || (r as Questionnaire).version === version)
    && noteKindOfTemplate(r as Questionnaire) !== undefined);
}

export function noteKindOfTemplate(template: Questionnaire): Coding | undefined {
  return template.code?.find((c) => c.system === CS.noteKind);
}

function answered(item: QuestionnaireResponseItem | undefined): boolean {
  return !!item && ((item.answer?.length ?? 0) > 0 || (item.item?.length ?? 0) > 0);
}

function indexResponse(items: readonly QuestionnaireResponseItem[] | undefined, into = new Map<string, QuestionnaireResponseItem>()): Map<string, QuestionnaireResponseItem> {
  for (const item of items ?? []) {
    if (!into.has(item.linkId)) into.set(item.linkId, item);
    indexResponse(item.item, into);
    for (const answer of item.answer ?? []) indexResponse(answer.item, into);
  }
  return into;
}

/** linkIds of required items left unanswered (inside an optional group only when that group was answered). */
export function missingRequiredAnswers(template: Questionnaire, response: QuestionnaireResponse): string[] {
  const answers = indexResponse(response.item);
  const missing: string[] = [];
  const walk = (items: readonly QuestionnaireItem[] | undefined, parentAnswered: boolean) => {
    for (const item of items ?? []) {
      if (item.type === 'display') continue;
      const present = answered(answers.get(item.linkId));
      if (item.required && parentAnswered && !present) missing.push(item.linkId);
      walk(item.item, parentAnswered && present);
    }
  };
  walk(template.item, true);
  return missing;
}

/** linkIds in the response that the template does not define. */
export function unknownLinkIds(template: Questionnaire, response: QuestionnaireResponse): string[] {
  const known = new Set<string>();
  const walk = (items: readonly QuestionnaireItem[] | undefined) => items?.forEach((i) => { known.add(i.linkId); walk(i.item); });
  walk(template.item);
  return [...indexResponse(response.item).keys()].filter((id) => !known.has(id));
}

const SECTION_RULES: [RegExp, string][] = [
  [/mse/, 'mental-status'], [/risk/, 'risk-assessment'], [/^(plan|next)\b|\.plan$/, 'plan'],
  [/impression|assessment|decision|goals|goal-progress/, 'assessment'], [/medication|visit|vitals/, 'medications'],
];

function sectionCode(linkId: string): string {
  return SECTION_RULES.find(([pattern]) => pattern.test(linkId))?.[1] ?? 'session-content';
}

function answerText(answer: QuestionnaireResponseItemAnswer): string {
  if (answer.valueCoding) return answer.valueCoding.display ?? answer.valueCoding.code ?? '';
  if (answer.valueReference) return answer.valueReference.display ?? answer.valueReference.reference ?? '';
  if (answer.valueBoolean !== undefined) return answer.valueBoolean ? 'Yes' : 'No';
  if (answer.valueQuantity) return `${answer.valueQuantity.value ?? ''} ${answer.valueQuantity.unit ?? ''}`.trim();
  const primitive = answer.valueString ?? answer.valueInteger ?? answer.valueDecimal ?? answer.valueDate ?? answer.valueDateTime ?? answer.valueTime ?? answer.valueUri;
  return primitive === undefined ? '' : String(primitive);
}

/** One section per top-level group (non-group top-level items go to a "Note" section), answers as "Label: value". */
export function templateSections(template: Questionnaire, response: QuestionnaireResponse): CompositionSection[] {
  const answers = indexResponse(response.item);
  const lines = (items: readonly QuestionnaireItem[] | undefined): { heading?: string; text: string }[] => (items ?? []).flatMap((item) => {
    const given = answers.get(item.linkId);
    if (item.type === 'group') return answered(given) ? lines(item.item) : [];
    const values = (given?.answer ?? []).map(answerText).filter((t) => t !== '');
    return values.length > 0 ? [{ heading: item.text ?? item.linkId, text: values.join(', ') }] : [];
  });
  const sections: CompositionSection[] = [];
  const loose = (template.item ?? []).filter((i) => i.type !== 'group' && i.type !== 'display');
  if (lines(loose).length > 0) sections.push(noteSection('session-content', 'Note', lines(loose)));
  for (const group of (template.item ?? []).filter((i) => i.type === 'group')) {
    const blocks = lines(group.item);
    if (blocks.length > 0) sections.push(noteSection(sectionCode(group.linkId), group.text ?? group.linkId, blocks));
  }
  return sections;
}
