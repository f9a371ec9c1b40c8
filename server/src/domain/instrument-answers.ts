/**
 * Reading item answers out of a QuestionnaireResponse as numbers, for scoring (IOP.md §3.2/§3.5: LOINC item codes,
 * LOINC answer codes LA6568-5…LA6571-9 with ordinalValue 0–3; LHC forms use linkIds '/44250-9', the PHR IG uses
 * '44250-9', the SDC example uses local linkIds and local codes with the standard labels).
 *
 * An item is found by its key (LOINC code or positional key), a linkId ending in '/<key>', or a caller-supplied
 * linkId map (built from the Questionnaire's item codes by linkIdsFromQuestionnaire). An answer's value is, in
 * order: valueInteger/valueDecimal; the coding's ordinalValue or itemWeight extension; the LOINC answer code; the
 * standard answer label. Anything else is a problem, never a silent 0.
 */
import type { Coding, Questionnaire, QuestionnaireItem, QuestionnaireResponse, QuestionnaireResponseItem } from '@medplum/fhirtypes';
import type { InstrumentDefinition, InstrumentItem } from './instrument-definitions';

export type ItemAnswers = Readonly<Record<string, number | undefined>>;

export interface ReadAnswersResult {
  answers: Record<string, number | undefined>;
  problems: string[];
}

const ORDINAL_EXTENSIONS = ['http://hl7.org/fhir/StructureDefinition/ordinalValue', 'http://hl7.org/fhir/StructureDefinition/itemWeight'];

/** linkId → item key, from the Questionnaire items whose `code` carries an item's LOINC code. */
export function linkIdsFromQuestionnaire(questionnaire: Questionnaire, definition: InstrumentDefinition): Record<string, string> {
  const keys = new Set(definition.items.map((i) => i.key));
  const map: Record<string, string> = {};
  const walk = (items: readonly QuestionnaireItem[] | undefined) => {
    for (const item of items ?? []) {
      const code = item.code?.find((c) => c.system === 'http://loinc.org' && c.code !== undefined && keys.has(c.code));
      if (code?.code) map[item.linkId] = code.code;
      walk(item.item);
    }
  };
  walk(questionnaire.item);
  return map;
}

/** The numeric answer of each item of `definition` in `response` (undefined = not answered). */
export function readInstrumentAnswers(
  response: Pick<QuestionnaireResponse, 'item'>,
  definition: InstrumentDefinition,
  linkIdToKey: Readonly<Record<string, string>> = {},
): ReadAnswersResult {
  const byKey = new Map(definition.items.map((i) => [i.key, i]));
  const answers: Record<string, number | undefined> = Object.fromEntries(definition.items.map((i) => [i.key, undefined]));
  const problems: string[] = [];
  const walk = (items: readonly QuestionnaireResponseItem[] | undefined) => {
    for (const item of items ?? []) {
      const key = itemKeyFor(item.linkId, byKey, linkIdToKey);
      if (key !== undefined && item.answer && item.answer.length > 0) {
        const definitionItem = byKey.get(key) as InstrumentItem;
        if (item.answer.length > 1) problems.push(`item ${key} has ${item.answer.length} answers; one expected`);
        const value = answerValue(item.answer[0], definitionItem);
        if (value === undefined) problems.push(`item ${key}: answer not recognised for ${definition.display}`);
        else if (!Number.isInteger(value) || value < definitionItem.min || value > definitionItem.max) {
          problems.push(`item ${key}: value ${value} is outside ${definitionItem.min}–${definitionItem.max}`);
        } else answers[key] = value;
      }
      walk(item.item);
      for (const answer of item.answer ?? []) walk(answer.item);
    }
  };
  walk(response.item);
  return { answers, problems };
}

function itemKeyFor(linkId: string, byKey: Map<string, InstrumentItem>, linkIdToKey: Readonly<Record<string, string>>): string | undefined {
  if (linkIdToKey[linkId] !== undefined) return linkIdToKey[linkId];
  if (byKey.has(linkId)) return linkId;
  const tail = linkId.slice(linkId.lastIndexOf('/') + 1);
  return linkId.includes('/') && byKey.has(tail) ? tail : undefined;
}

type Answer = NonNullable<QuestionnaireResponseItem['answer']>[number];

function answerValue(answer: Answer, item: InstrumentItem): number | undefined {
  if (typeof answer.valueInteger === 'number') return answer.valueInteger;
  if (typeof answer.valueDecimal === 'number') return answer.valueDecimal;
  if (answer.valueCoding) return codingValue(answer.valueCoding, item);
  if (typeof answer.valueString === 'string') return item.answerLabels[answer.valueString.trim().toLowerCase()];
  return undefined;
}

function codingValue(coding: Coding, item: InstrumentItem): number | undefined {
  const ordinal = coding.extension?.find((e) => ORDINAL_EXTENSIONS.includes(e.url));
  if (ordinal && typeof ordinal.valueDecimal === 'number') return ordinal.valueDecimal;
  if (ordinal && typeof ordinal.valueInteger === 'number') return ordinal.valueInteger;
  if (coding.code !== undefined && (coding.system === undefined || coding.system === 'http://loinc.org') && coding.code in item.answerCodes) {
    return item.answerCodes[coding.code];
  }
  if (coding.display !== undefined) return item.answerLabels[coding.display.trim().toLowerCase()];
  return undefined;
}
