/** Instrument scoring: PHQ-9, GAD-7, PCL-5, AUDIT-C; missing-item policy; item 9 risk; reading real QuestionnaireResponses. */
import { readFileSync } from 'node:fs';
import path from 'node:path';
import type { Questionnaire, QuestionnaireResponse } from '@medplum/fhirtypes';
import { linkIdsFromQuestionnaire, readInstrumentAnswers } from '../../server/src/domain/instrument-answers';
import { AUDIT_C, GAD7, MAX_MISSING_ITEMS_FOR_PRORATION, PCL5, PHQ9, findInstrumentByLoinc } from '../../server/src/domain/instrument-definitions';
import { scoreAuditC, scoreGad7, scoreInstrument, scorePcl5, scorePhq9 } from '../../server/src/domain/score-instrument';
import { assessPhq9Item9Risk } from '../../server/src/domain/suicide-risk';
import { SHARED_DATA } from '../support/synthea';

const SHARED = path.join(SHARED_DATA, 'questionnaires');
const readJson = <T>(file: string): T => JSON.parse(readFileSync(path.join(SHARED, file), 'utf8')) as T;

const PHQ9_KEYS = PHQ9.items.map((i) => i.key);
const GAD7_KEYS = GAD7.items.map((i) => i.key);
const answersOf = (keys: string[], values: (number | undefined)[]) => Object.fromEntries(keys.map((k, i) => [k, values[i]]));

describe('PHQ-9', () => {
  test('sums items 1–9 and bands at every boundary', () => {
    const cases: [number[], number, string][] = [
      [[0, 0, 0, 0, 0, 0, 0, 0, 0], 0, 'none-minimal'],
      [[1, 1, 1, 1, 0, 0, 0, 0, 0], 4, 'none-minimal'],
      [[1, 1, 1, 1, 1, 0, 0, 0, 0], 5, 'mild'],
      [[3, 3, 3, 0, 0, 0, 0, 0, 0], 9, 'mild'],
      [[3, 3, 3, 1, 0, 0, 0, 0, 0], 10, 'moderate'],
      [[3, 3, 3, 3, 2, 0, 0, 0, 0], 14, 'moderate'],
      [[3, 3, 3, 3, 3, 0, 0, 0, 0], 15, 'moderately-severe'],
      [[3, 3, 3, 3, 3, 3, 1, 0, 0], 19, 'moderately-severe'],
      [[3, 3, 3, 3, 3, 3, 2, 0, 0], 20, 'severe'],
      [[3, 3, 3, 3, 3, 3, 3, 3, 3], 27, 'severe'],
    ];
    for (const [values, total, band] of cases) {
      const score = scorePhq9(answersOf(PHQ9_KEYS, values));
      expect([score.total, score.band?.code, score.prorated]).toEqual([total, band, false]);
    }
  });

  test(`prorates up to ${MAX_MISSING_ITEMS_FOR_PRORATION['phq-9']} missing items (half up), otherwise not scorable`, () => {
    const one = scorePhq9(answersOf(PHQ9_KEYS, [2, 2, 2, 2, 2, 2, 2, 2, undefined]));
    expect(one).toMatchObject({ scorable: true, total: 18, prorated: true, answeredSum: 16, answeredItems: 8, missingItems: ['44260-8'], item9: 'unanswered' });
    // 13 × 9 / 7 = 16.71 → 17
    expect(scorePhq9(answersOf(PHQ9_KEYS, [2, 2, 2, 2, 2, 2, 1, undefined, undefined])).total).toBe(17);
    // 5 × 9 / 7 = 6.43 → 6
    expect(scorePhq9(answersOf(PHQ9_KEYS, [1, 1, 1, 1, 1, 0, 0, undefined, undefined])).total).toBe(6);
    const three = scorePhq9(answersOf(PHQ9_KEYS, [3, 3, 3, 3, 3, 3, undefined, undefined, undefined]));
    expect(three).toMatchObject({ scorable: false, prorated: false, notScorableReason: '3 of 9 items unanswered; at most 2 may be missing' });
    expect(three.total).toBeUndefined();
    expect(scorePhq9({})).toMatchObject({ scorable: false, answeredItems: 0, item9: 'unanswered' });
  });

  test('values outside 0–3 make the response not scorable', () => {
    expect(scorePhq9(answersOf(PHQ9_KEYS, [4, 0, 0, 0, 0, 0, 0, 0, 0]))).toMatchObject({ scorable: false, notScorableReason: 'values outside the item range: 44250-9=4' });
    expect(scorePhq9(answersOf(PHQ9_KEYS, [1.5, 0, 0, 0, 0, 0, 0, 0, 0])).scorable).toBe(false);
  });

  test('item 9 ≥ 1 is a same-day high-priority risk whatever the total, even when not scorable', () => {
    const now = new Date('2024-03-11T22:30:00Z'); // 17:30 in Chicago
    const low = scorePhq9(answersOf(PHQ9_KEYS, [0, 0, 0, 0, 0, 0, 0, 0, 1]));
    expect([low.total, low.band?.code, low.item9]).toEqual([1, 'none-minimal', 'positive']);
    const actions = assessPhq9Item9Risk(low, 'QuestionnaireResponse/qr1', now, 'America/Chicago');
    expect(actions.flag).toMatchObject({ key: 'phq9-item9-positive|QuestionnaireResponse/qr1', code: 'phq9-item9-positive', category: 'clinical', periodStart: now });
    expect(actions.task).toMatchObject({ code: 'suicide-risk-assessment', priority: 'asap', dueBy: new Date('2024-03-12T05:00:00Z') });
    const notScorable = scorePhq9(answersOf(PHQ9_KEYS, [undefined, undefined, undefined, 0, 0, 0, 0, 0, 3]));
    expect(notScorable.scorable).toBe(false);
    expect(assessPhq9Item9Risk(notScorable, 'qr2', now, 'America/Chicago').flag?.reason).toMatch(/total not scorable/);
  });

  test('item 9 = 0 raises nothing; unanswered item 9 asks for it the same day without a Flag', () => {
    const now = new Date('2024-03-11T15:00:00Z');
    expect(assessPhq9Item9Risk(scorePhq9(answersOf(PHQ9_KEYS, [3, 3, 3, 3, 3, 3, 3, 3, 0])), 'qr', now, 'UTC')).toEqual({});
    const unanswered = assessPhq9Item9Risk(scorePhq9(answersOf(PHQ9_KEYS, [1, 1, 1, 1, 1, 1, 1, 1, undefined])), 'qr', now, 'UTC');
    expect(unanswered.flag).toBeUndefined();
    expect(unanswered.task).toMatchObject({ code: 'complete-phq9-item9', priority: 'urgent', dueBy: new Date('2024-03-12T00:00:00Z') });
  });
});

describe('GAD-7', () => {
  test('bands at the boundaries', () => {
    const total = (values: number[]) => scoreGad7(answersOf(GAD7_KEYS, values));
    expect(total([1, 1, 1, 1, 0, 0, 0]).band?.code).toBe('minimal');
    expect(total([1, 1, 1, 1, 1, 0, 0]).band?.code).toBe('mild');
    expect(total([3, 3, 3, 1, 0, 0, 0]).band?.code).toBe('moderate');
    expect(total([3, 3, 3, 3, 3, 0, 0]).band?.code).toBe('severe');
    expect(total([3, 3, 3, 3, 3, 3, 3])).toMatchObject({ total: 21, band: { code: 'severe' } });
  });

  test('one missing item is prorated, two are not scorable', () => {
    expect(scoreGad7(answersOf(GAD7_KEYS, [2, 2, 2, 2, 2, 2, undefined]))).toMatchObject({ total: 14, prorated: true });
    expect(scoreGad7(answersOf(GAD7_KEYS, [2, 2, 2, 2, 2, undefined, undefined])).scorable).toBe(false);
  });
});

describe('PCL-5', () => {
  const keys = PCL5.items.map((i) => i.key);

  test('total 0–80, DSM-5 clusters, provisional cut-point 31', () => {
    const values = [2, 2, 2, 2, 2, 1, 1, 1, 1, 1, 1, 1, 1, 1, 2, 2, 2, 1, 1, 1];
    const score = scorePcl5(answersOf(keys, values));
    expect(score).toMatchObject({ total: 28, band: { code: 'below-threshold' }, clusters: { B: 10, C: 2, D: 7, E: 9 } });
    expect(scorePcl5(answersOf(keys, [...values.slice(0, 17), 2, 2, 2])).band?.code).toBe('probable-ptsd'); // 31
    expect(scorePcl5(answersOf(keys, [...values.slice(0, 17), 2, 2, 1])).band?.code).toBe('below-threshold'); // 30
    expect(scorePcl5(answersOf(keys, Array(20).fill(4))).total).toBe(80);
  });

  test('two missing items prorate (clusters with a gap are left out); three do not', () => {
    const values: (number | undefined)[] = Array(20).fill(2);
    values[5] = undefined;
    values[6] = undefined;
    const score = scorePcl5(answersOf(keys, values));
    expect(score).toMatchObject({ scorable: true, total: 40, prorated: true });
    expect(score.clusters).toEqual({ B: 10, D: 14, E: 12 });
    values[0] = undefined;
    expect(scorePcl5(answersOf(keys, values)).scorable).toBe(false);
  });
});

describe('AUDIT-C', () => {
  const [q1, q2, q3] = AUDIT_C.items.map((i) => i.key);

  test('positive at 4 for men, 3 for women, 3 when sex is unknown', () => {
    const three = { [q1]: 1, [q2]: 1, [q3]: 1 };
    expect(scoreAuditC(three, 'male')).toMatchObject({ total: 3, screen: 'negative', cutoffApplied: 4, band: { code: 'negative' } });
    expect(scoreAuditC(three, 'female')).toMatchObject({ total: 3, screen: 'positive', cutoffApplied: 3 });
    expect(scoreAuditC(three)).toMatchObject({ screen: 'positive', cutoffApplied: 3 });
    expect(scoreAuditC({ [q1]: 2, [q2]: 1, [q3]: 1 }, 'male').screen).toBe('positive');
  });

  test('Q1 "Never" scores Q2 and Q3 as 0; otherwise nothing may be missing', () => {
    expect(scoreAuditC({ [q1]: 0 })).toMatchObject({ scorable: true, total: 0, screen: 'negative' });
    expect(scoreAuditC({ [q1]: 2, [q3]: 1 })).toMatchObject({ scorable: false, missingItems: [q2] });
  });

  test('flags when all points come from the frequency question', () => {
    expect(scoreAuditC({ [q1]: 4, [q2]: 0, [q3]: 0 }, 'male')).toMatchObject({ total: 4, screen: 'positive', pointsOnlyFromFrequency: true });
    expect(scoreAuditC({ [q1]: 0, [q2]: 0, [q3]: 0 }).pointsOnlyFromFrequency).toBe(false);
  });
});

describe('reading QuestionnaireResponses', () => {
  test('PHR IG PHQ-9 and GAD-7 examples (LOINC linkIds and answer codes)', () => {
    const phq = readJson<QuestionnaireResponse>('PHQ-9/phr-ig-1.0.0-ballot2__QuestionnaireResponse-ScoredAssessment-PHQ9.GENERATED-from-fsh.json');
    const { answers, problems } = readInstrumentAnswers(phq, PHQ9);
    expect(problems).toEqual([]);
    expect(scorePhq9(answers)).toMatchObject({ scorable: true, total: 3, band: { code: 'none-minimal' }, item9: 'negative' });
    const gad = readJson<QuestionnaireResponse>('GAD-7/phr-ig-1.0.0-ballot2__QuestionnaireResponse-ScoredAssessment-GAD7.GENERATED-from-fsh.json');
    expect(scoreGad7(readInstrumentAnswers(gad, GAD7).answers)).toMatchObject({ total: 3, band: { code: 'minimal' } });
  });

  test('SDC example: nested local linkIds mapped by the caller, local codes read by their standard labels', () => {
    const qr = readJson<QuestionnaireResponse>('PHQ-9/sdc-ig-2.8.0__QuestionnaireResponse-questionnaireresponse-sdc-profile-example-PHQ9.json');
    const map = Object.fromEntries(PHQ9_KEYS.map((key, i) => [`H1/T1/Q${i + 1}`, key]));
    const { answers, problems } = readInstrumentAnswers(qr, PHQ9, map);
    expect(problems).toEqual([]);
    // The example's own "total" item says 13, but its nine answers add up to 10: we score the answers.
    expect(scorePhq9(answers)).toMatchObject({ total: 10, band: { code: 'moderate' }, item9: 'positive' });
  });

  test('LHC form: linkIds "/<loinc>", ordinalValue on the coding, map built from the Questionnaire', () => {
    const questionnaire = readJson<Questionnaire>('PHQ-9/lhncbc-lforms__R4-phq9.json');
    const map = linkIdsFromQuestionnaire(questionnaire, PHQ9);
    expect(Object.keys(map)).toHaveLength(9);
    const response: QuestionnaireResponse = {
      resourceType: 'QuestionnaireResponse',
      status: 'completed',
      item: PHQ9_KEYS.map((key, i) => ({
        linkId: `/${key}`,
        answer: [{ valueCoding: { code: `local-${i}`, extension: [{ url: 'http://hl7.org/fhir/StructureDefinition/ordinalValue', valueDecimal: i % 4 }] } }],
      })),
    };
    expect(scorePhq9(readInstrumentAnswers(response, PHQ9, map).answers).total).toBe(0 + 1 + 2 + 3 + 0 + 1 + 2 + 3 + 0);
  });

  test('valueInteger answers, unanswered items, unknown and out-of-range answers are problems, not zeros', () => {
    const response: QuestionnaireResponse = {
      resourceType: 'QuestionnaireResponse',
      status: 'completed',
      item: [
        { linkId: 'group', item: [{ linkId: '69725-0', answer: [{ valueInteger: 3 }] }] },
        { linkId: '68509-9', answer: [{ valueCoding: { system: 'http://loinc.org', code: 'LA9999-9' } }] },
        { linkId: '69733-4', answer: [{ valueInteger: 7 }] },
        { linkId: '69734-2' },
        { linkId: 'unrelated', answer: [{ valueString: 'hello' }] },
      ],
    };
    const { answers, problems } = readInstrumentAnswers(response, GAD7);
    expect(answers['69725-0']).toBe(3);
    expect(answers['68509-9']).toBeUndefined();
    expect(problems).toEqual(['item 68509-9: answer not recognised for GAD-7', 'item 69733-4: value 7 is outside 0–3']);
    expect(readInstrumentAnswers({ item: [] }, GAD7)).toEqual({ answers: Object.fromEntries(GAD7_KEYS.map((k) => [k, undefined])), problems: [] });
  });

  test('PCL-5 answers by label, instrument lookup by LOINC', () => {
    const response = { item: PCL5.items.map((i) => ({ linkId: i.key, answer: [{ valueString: 'Quite a bit' }] })) };
    expect(scoreInstrument(PCL5, readInstrumentAnswers(response, PCL5).answers).total).toBe(60);
    expect(findInstrumentByLoinc('44261-6')?.id).toBe('phq-9');
    expect(findInstrumentByLoinc('69737-5')?.id).toBe('gad-7');
    expect(findInstrumentByLoinc('0000-0')).toBeUndefined();
  });
});
