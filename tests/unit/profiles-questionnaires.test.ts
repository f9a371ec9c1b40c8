/**
 * The clinical templates: the instruments keep the wording, codes and scores of their public sources, their totals
 * compute as the instrument manuals say, every answer list points at a value set we ship, and no licensed
 * instrument (C-SSRS, CSQ-8) slipped in.
 */
import '../../server/src/polyfills';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { evalFhirPathTyped, toTypedValue } from '@medplum/core';
import type { Questionnaire, QuestionnaireItem, QuestionnaireResponse, QuestionnaireResponseItem } from '@medplum/fhirtypes';
import { SHARED_DATA } from '../support/synthea';

const ROOT = path.join(__dirname, '../..');
const SHARED = path.join(SHARED_DATA, 'questionnaires');
const ORDINAL = 'http://hl7.org/fhir/StructureDefinition/ordinalValue';
const CALCULATED = 'http://hl7.org/fhir/uv/sdc/StructureDefinition/sdc-questionnaire-calculatedExpression';
const VARIABLE = 'http://hl7.org/fhir/StructureDefinition/variable';

const readJson = <T>(file: string): T => JSON.parse(readFileSync(file, 'utf8')) as T;
const templates = readdirSync(path.join(ROOT, 'profiles/questionnaires')).map((n) => readJson<Questionnaire>(path.join(ROOT, 'profiles/questionnaires', n)));
const template = (id: string) => {
  const q = templates.find((t) => t.id === id);
  if (!q) throw new Error(`no template ${id}`);
  return q;
};
const valueSetUrls = new Set(
  readdirSync(path.join(ROOT, 'terminology')).filter((n) => n.startsWith('ValueSet-')).map((n) => readJson<{ url: string }>(path.join(ROOT, 'terminology', n)).url),
);

function allItems(items: QuestionnaireItem[] = []): QuestionnaireItem[] {
  return items.flatMap((item) => [item, ...allItems(item.item)]);
}

const scoresOf = (item: QuestionnaireItem) =>
  (item.answerOption ?? []).map((o) => [o.valueCoding?.code, o.extension?.find((e) => e.url === ORDINAL)?.valueDecimal]);

/** Evaluates a template's total the way an SDC form filler does (the `scored` variable inlined). */
function total(questionnaire: Questionnaire, answers: Record<string, string>): number | undefined {
  const scored = questionnaire.extension?.find((e) => e.url === VARIABLE)?.valueExpression?.expression;
  const totalItem = allItems(questionnaire.item).find((i) => i.extension?.some((e) => e.url === CALCULATED));
  const expression = totalItem?.extension?.find((e) => e.url === CALCULATED)?.valueExpression?.expression;
  if (!scored || !expression) throw new Error(`${questionnaire.id} has no calculated total`);
  const system = (linkId: string) => allItems(questionnaire.item).find((i) => i.linkId === linkId)?.answerOption?.[0]?.valueCoding?.system;
  const response: QuestionnaireResponse = {
    resourceType: 'QuestionnaireResponse',
    status: 'completed',
    item: Object.entries(answers).map(([linkId, code]): QuestionnaireResponseItem => ({ linkId, answer: [{ valueCoding: { system: system(linkId), code } }] })),
  };
  const typed = toTypedValue(response);
  const result = evalFhirPathTyped(expression.replaceAll('%scored', `(${scored})`), [typed], { '%resource': typed });
  return result[0]?.value as number | undefined;
}

describe('PHQ-9', () => {
  const phq9 = template('phq-9');
  const items = allItems(phq9.item).filter((i) => i.type === 'choice');

  test('has the nine LOINC items of the LHC-Forms PHQ-9, then the difficulty item', () => {
    const codes = items.map((i) => i.code?.[0]?.code);
    expect(codes).toEqual(['44250-9', '44255-8', '44259-0', '44254-1', '44251-7', '44258-2', '44252-5', '44253-3', '44260-8', '69722-7']);
    const source = path.join(SHARED, 'PHQ-9/lhncbc-lforms__R4-phq9.json');
    if (existsSync(source)) {
      const lhc = readJson<Questionnaire>(source);
      expect(codes).toEqual(lhc.item?.filter((i) => i.type === 'choice').map((i) => i.code?.[0]?.code));
    }
  });

  test('items 1-9 score LA6568-5..LA6571-9 as 0-3 (ordinalValue); the difficulty item is not scored', () => {
    for (const item of items.slice(0, 9)) {
      expect(scoresOf(item)).toEqual([['LA6568-5', 0], ['LA6569-3', 1], ['LA6570-1', 2], ['LA6571-9', 3]]);
      expect(item.required).toBe(true);
    }
    expect(scoresOf(items[9]).every(([, score]) => score === undefined)).toBe(true);
  });

  test('the total is the sum of items 1-9, and empty while any item is unanswered', () => {
    const linkIds = items.slice(0, 9).map((i) => i.linkId);
    const all = (code: string) => Object.fromEntries(linkIds.map((id) => [id, code]));
    expect(total(phq9, all('LA6568-5'))).toBe(0);
    expect(total(phq9, all('LA6571-9'))).toBe(27);
    expect(total(phq9, { ...all('LA6569-3'), [linkIds[0]]: 'LA6570-1', [linkIds[8]]: 'LA6571-9' })).toBe(12);
    const { [linkIds[4]]: _skipped, ...missingOne } = all('LA6571-9');
    expect(total(phq9, missingOne)).toBeUndefined();
  });
});

describe('GAD-7', () => {
  const gad7 = template('gad-7');
  const items = allItems(gad7.item).filter((i) => i.type === 'choice');

  test('has the seven LOINC items of the HL7 PHR GAD-7, scored 0-3', () => {
    const codes = items.map((i) => i.code?.[0]?.code);
    expect(codes).toEqual(['69725-0', '68509-9', '69733-4', '69734-2', '69735-9', '69689-8', '69736-7']);
    const source = path.join(SHARED, 'GAD-7/phr-ig-1.0.0-ballot2__Questionnaire-ScoredAssessment-GAD7.GENERATED-from-fsh.json');
    if (existsSync(source)) expect(codes).toEqual(readJson<Questionnaire>(source).item?.map((i) => i.code?.[0]?.code));
    for (const item of items) expect(scoresOf(item)).toEqual([['LA6568-5', 0], ['LA6569-3', 1], ['LA6570-1', 2], ['LA6571-9', 3]]);
  });

  test('the total runs 0-21', () => {
    const all = (code: string) => Object.fromEntries(items.map((i) => [i.linkId, code]));
    expect(total(gad7, all('LA6568-5'))).toBe(0);
    expect(total(gad7, all('LA6571-9'))).toBe(21);
    expect(total(gad7, all('LA6570-1'))).toBe(14);
  });
});

describe('PCL-5 and AUDIT-C', () => {
  test('PCL-5: 20 items scored 0-4, total 0-80', () => {
    const pcl5 = template('pcl-5');
    const items = allItems(pcl5.item).filter((i) => i.type === 'choice');
    expect(items).toHaveLength(20);
    for (const item of items) expect(scoresOf(item).map(([, s]) => s)).toEqual([0, 1, 2, 3, 4]);
    const all = (code: string) => Object.fromEntries(items.map((i) => [i.linkId, code]));
    expect(total(pcl5, all('4'))).toBe(80);
    expect(total(pcl5, all('2'))).toBe(40);
  });

  test('AUDIT-C: three LOINC items with their own answer lists scored 0-4, total 0-12', () => {
    const auditC = template('audit-c');
    const items = allItems(auditC.item).filter((i) => i.type === 'choice');
    expect(items.map((i) => i.code?.[0]?.code)).toEqual(['68518-0', '68519-8', '68520-6']);
    expect(scoresOf(items[1])).toEqual([['LA15694-5', 0], ['LA15695-2', 1], ['LA18930-0', 2], ['LA18931-8', 3], ['LA18932-6', 4]]);
    expect(total(auditC, { '68518-0': 'LA18929-2', '68519-8': 'LA18932-6', '68520-6': 'LA18934-2' })).toBe(12);
    expect(total(auditC, { '68518-0': 'LA18927-6', '68519-8': 'LA15695-2', '68520-6': 'LA6270-8' })).toBe(3);
  });
});

describe('note templates', () => {
  test('the group-session note has a shared section and a per-member section with goals and risk', () => {
    const note = template('group-session-note');
    const linkIds = allItems(note.item).map((i) => i.linkId);
    expect(linkIds).toEqual(expect.arrayContaining([
      'shared.topic', 'shared.modality', 'shared.interventions', 'shared.duration',
      'member.participation', 'member.response', 'member.goal-progress.goal', 'member.goal-progress.status', 'member.risk.level',
    ]));
    expect(allItems(note.item).find((i) => i.linkId === 'member.goal-progress')?.repeats).toBe(true);
  });

  test.each(['individual-therapy-note', 'psychiatric-evaluation', 'medication-management-note', 'treatment-plan-review'])('%s exists with a note kind', (id) => {
    expect(template(id).code?.[0]).toMatchObject({ system: 'http://iop-fhir.org/fhir/CodeSystem/note-kind', code: id });
  });

  test('every answerValueSet is a value set we ship', () => {
    const used = templates.flatMap((q) => allItems(q.item)).map((i) => i.answerValueSet).filter((u): u is string => !!u);
    expect(used.length).toBeGreaterThan(10);
    expect(used.filter((url) => !valueSetUrls.has(url))).toEqual([]);
  });

  test('every enableWhen names an item of its own template', () => {
    for (const q of templates) {
      const linkIds = new Set(allItems(q.item).map((i) => i.linkId));
      const questions = allItems(q.item).flatMap((i) => i.enableWhen ?? []).map((w) => w.question);
      expect(questions.filter((question) => !linkIds.has(question))).toEqual([]);
    }
  });
});

describe('licences', () => {
  test('each instrument states its copyright; no C-SSRS or CSQ-8 content anywhere', () => {
    for (const id of ['phq-9', 'gad-7', 'pcl-5', 'audit-c']) expect(template(id).copyright).toBeTruthy();
    const text = JSON.stringify(templates);
    expect(text).not.toMatch(/Columbia|C-SSRS|93373-9|93245-9|CSQ-8|Client Satisfaction Questionnaire/i);
  });
});
