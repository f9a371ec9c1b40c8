/**
 * Scoring PHQ-9, GAD-7, PCL-5 and AUDIT-C from item values, with the missing-item policy, severity bands and the
 * instrument-specific extras. Source: IOP.md §3.2–§3.4; the policy and its reasons are in
 * instrument-definitions.ts.
 */
import type { InstrumentDefinition, InstrumentId, SeverityBand } from './instrument-definitions';
import { AUDIT_C, AUDIT_C_POSITIVE_CUTOFF, AUDIT_C_Q1, GAD7, PCL5, PCL5_CLUSTERS, PHQ9, PHQ9_ITEM9 } from './instrument-definitions';
import type { ItemAnswers } from './instrument-answers';

export interface InstrumentScore {
  instrument: InstrumentId;
  scorable: boolean;
  /** The total (prorated when items were missing), when scorable. */
  total?: number;
  band?: SeverityBand;
  /** Sum of the answered items. */
  answeredSum: number;
  answeredItems: number;
  missingItems: string[];
  prorated: boolean;
  /** Why the response could not be scored (too many missing items, invalid values). */
  notScorableReason?: string;
  /** Item key → value as scored (after skip rules). */
  itemValues: Record<string, number>;
}

export interface Phq9Score extends InstrumentScore {
  /** Item 9 (thoughts of death or self-harm): positive at any answer other than "Not at all". */
  item9: 'positive' | 'negative' | 'unanswered';
}

export interface Pcl5Score extends InstrumentScore {
  /** DSM-5 cluster sums B (1–5), C (6–7), D (8–14), E (15–20), only when every item of the cluster is answered. */
  clusters: Partial<Record<keyof typeof PCL5_CLUSTERS, number>>;
}

export type AuditCSex = 'male' | 'female' | 'unknown';

export interface AuditCScore extends InstrumentScore {
  screen?: 'positive' | 'negative';
  cutoffApplied: number;
  /** All points come from Q1 (frequency): IOP.md §3.4 says consumption is then likely below limits. */
  pointsOnlyFromFrequency: boolean;
}

/** Scores any defined instrument from item values (undefined = unanswered). */
export function scoreInstrument(definition: InstrumentDefinition, answers: ItemAnswers): InstrumentScore {
  const itemValues: Record<string, number> = {};
  const missingItems: string[] = [];
  const invalid: string[] = [];
  for (const item of definition.items) {
    const value = answers[item.key];
    if (value === undefined || value === null) missingItems.push(item.key);
    else if (!Number.isInteger(value) || value < item.min || value > item.max) invalid.push(`${item.key}=${value}`);
    else itemValues[item.key] = value;
  }
  const answeredItems = Object.keys(itemValues).length;
  const answeredSum = Object.values(itemValues).reduce((a, b) => a + b, 0);
  const base = { instrument: definition.id, answeredSum, answeredItems, missingItems, itemValues, prorated: false };
  if (invalid.length > 0) return { ...base, scorable: false, notScorableReason: `values outside the item range: ${invalid.join(', ')}` };
  if (missingItems.length > definition.maxMissingForProration) {
    return {
      ...base,
      scorable: false,
      notScorableReason: `${missingItems.length} of ${definition.items.length} items unanswered; at most ${definition.maxMissingForProration} may be missing`,
    };
  }
  const prorated = missingItems.length > 0;
  const total = prorated ? Math.floor((answeredSum * definition.items.length) / answeredItems + 0.5) : answeredSum;
  return { ...base, scorable: true, total, band: bandFor(definition, total), prorated };
}

export function bandFor(definition: InstrumentDefinition, total: number): SeverityBand | undefined {
  return definition.bands.find((b) => total >= b.min && total <= b.max);
}

export function scorePhq9(answers: ItemAnswers): Phq9Score {
  const score = scoreInstrument(PHQ9, answers);
  const item9 = answers[PHQ9_ITEM9];
  // Read item 9 from the raw answers: it decides risk even when the response as a whole is not scorable.
  const valid = typeof item9 === 'number' && Number.isInteger(item9) && item9 >= 0 && item9 <= 3;
  return { ...score, item9: !valid ? 'unanswered' : item9 >= 1 ? 'positive' : 'negative' };
}

export function scoreGad7(answers: ItemAnswers): InstrumentScore {
  return scoreInstrument(GAD7, answers);
}

export function scorePcl5(answers: ItemAnswers): Pcl5Score {
  const score = scoreInstrument(PCL5, answers);
  const clusters: Pcl5Score['clusters'] = {};
  for (const [cluster, [first, last]] of Object.entries(PCL5_CLUSTERS) as [keyof typeof PCL5_CLUSTERS, readonly [number, number]][]) {
    const keys = PCL5.items.filter((i) => i.position >= first && i.position <= last).map((i) => i.key);
    if (keys.every((k) => score.itemValues[k] !== undefined)) clusters[cluster] = keys.reduce((sum, k) => sum + score.itemValues[k], 0);
  }
  return { ...score, clusters };
}

/**
 * AUDIT-C. When Q1 is "Never" (0), Q2 and Q3 are skipped by design and score 0. The positive cut-point is 4 for
 * men and 3 for women; when sex is unknown, 3 (the lower one).
 */
export function scoreAuditC(answers: ItemAnswers, sex: AuditCSex = 'unknown'): AuditCScore {
  const neverDrinks = answers[AUDIT_C_Q1] === 0;
  const filled: Record<string, number | undefined> = { ...answers };
  if (neverDrinks) for (const item of AUDIT_C.items) if (filled[item.key] === undefined) filled[item.key] = 0;
  const score = scoreInstrument(AUDIT_C, filled);
  const cutoffApplied = AUDIT_C_POSITIVE_CUTOFF[sex];
  if (!score.scorable || score.total === undefined) return { ...score, cutoffApplied, pointsOnlyFromFrequency: false };
  const positive = score.total >= cutoffApplied;
  const band = AUDIT_C.bands.find((b) => b.code === (positive ? 'positive' : 'negative'));
  const q1 = score.itemValues[AUDIT_C_Q1] ?? 0;
  return { ...score, band, screen: positive ? 'positive' : 'negative', cutoffApplied, pointsOnlyFromFrequency: score.total > 0 && score.total === q1 };
}
