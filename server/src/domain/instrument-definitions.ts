/**
 * The scored instruments as data: items, answer values, severity bands, missing-item policy and outcome rules.
 * Source: IOP.md §3.2 (PHQ-9), §3.3 (GAD-7), §3.4 (AUDIT-C, PCL-5), §3.1 (LOINC panel and total codes).
 *
 * Missing-item policy (IOP.md §3.2 says the PHQ manual rule was not retrieved and asks for an explicit policy;
 * silent zero-filling, what the LHC form does, under-scores). Ours: the total is prorated — sum of answered items
 * × number of items / answered items, rounded half up — when at most MAX_MISSING_ITEMS_FOR_PRORATION items are
 * missing; otherwise the response is not scorable. About one item in five at most: PHQ-9 2 of 9 (the example
 * IOP.md gives), GAD-7 1 of 7, PCL-5 2 of 20 (kept low: its clusters are short), AUDIT-C 0 of 3 (except the
 * AUDIT-C skip rule: when Q1 is "Never", unanswered Q2/Q3 score 0, as the instrument directs).
 *
 * Outcome rules: response = ≥ 50 % drop from baseline (PHQ-9 [V NCQA DRR-E]; GAD-7 by the same convention);
 * remission PHQ-9 < 5 [V CMS159], GAD-7 < 5 (bottom of the "mild" band); reliable change PHQ-9 5 points [V Löwe
 * 2004], GAD-7 4 points [S IAPT], PCL-5 10 points (IOP.md gives 5–10 as "reliable"; we take the top of the
 * range so a claimed improvement holds under every estimate). PCL-5 provisional cut-point 31 (IOP.md: 31–33 [M];
 * the low end so the screen errs toward assessment). AUDIT-C positive ≥ 4 men, ≥ 3 women [V]; ≥ 3 when sex is
 * unknown.
 */

export type InstrumentId = 'phq-9' | 'gad-7' | 'pcl-5' | 'audit-c';

export interface InstrumentItem {
  /** Item key: the item's LOINC code where one is known, else a positional key. */
  key: string;
  position: number;
  min: number;
  max: number;
  /** LOINC answer code → value. */
  answerCodes: Readonly<Record<string, number>>;
  /** Answer label (lower case) → value, for forms that carry only local codes with the standard labels. */
  answerLabels: Readonly<Record<string, number>>;
}

export interface SeverityBand {
  code: string;
  display: string;
  min: number;
  max: number;
}

export interface OutcomeRules {
  /** Fractional drop from baseline that counts as response (0.5), or null when not defined. */
  responseDrop: number | null;
  /** A latest total below this is remission, or null when not defined. */
  remissionBelow: number | null;
  /** A drop of at least this many points is reliable improvement (a rise, reliable deterioration). */
  reliableChangePoints: number | null;
  /** Baseline above this is "elevated" (PHQ-9 > 9: the index score of CMS159 / DRR-E). */
  elevatedAbove: number | null;
}

export interface InstrumentDefinition {
  id: InstrumentId;
  display: string;
  panelLoinc: string;
  totalLoinc: string;
  items: readonly InstrumentItem[];
  bands: readonly SeverityBand[];
  maxMissingForProration: number;
  outcome: OutcomeRules;
}

export const MAX_MISSING_ITEMS_FOR_PRORATION: Readonly<Record<InstrumentId, number>> = { 'phq-9': 2, 'gad-7': 1, 'pcl-5': 2, 'audit-c': 0 };

export const PCL5_PROVISIONAL_PTSD_CUTOFF = 31;
export const AUDIT_C_POSITIVE_CUTOFF = { male: 4, female: 3, unknown: 3 } as const;

const FREQUENCY_CODES = { 'LA6568-5': 0, 'LA6569-3': 1, 'LA6570-1': 2, 'LA6571-9': 3 };
const FREQUENCY_LABELS = { 'not at all': 0, 'several days': 1, 'more than half the days': 2, 'nearly every day': 3 };

function frequencyItems(keys: readonly string[]): InstrumentItem[] {
  return keys.map((key, i) => ({ key, position: i + 1, min: 0, max: 3, answerCodes: FREQUENCY_CODES, answerLabels: FREQUENCY_LABELS }));
}

/** PHQ-9 items 1–9 (item 10, difficulty 69722-7, is not scored). */
export const PHQ9_ITEM9 = '44260-8';

export const PHQ9: InstrumentDefinition = {
  id: 'phq-9',
  display: 'PHQ-9',
  panelLoinc: '44249-1',
  totalLoinc: '44261-6',
  items: frequencyItems(['44250-9', '44255-8', '44259-0', '44254-1', '44251-7', '44258-2', '44252-5', '44253-3', PHQ9_ITEM9]),
  bands: [
    { code: 'none-minimal', display: 'None or minimal', min: 0, max: 4 },
    { code: 'mild', display: 'Mild', min: 5, max: 9 },
    { code: 'moderate', display: 'Moderate', min: 10, max: 14 },
    { code: 'moderately-severe', display: 'Moderately severe', min: 15, max: 19 },
    { code: 'severe', display: 'Severe', min: 20, max: 27 },
  ],
  maxMissingForProration: MAX_MISSING_ITEMS_FOR_PRORATION['phq-9'],
  outcome: { responseDrop: 0.5, remissionBelow: 5, reliableChangePoints: 5, elevatedAbove: 9 },
};

export const GAD7: InstrumentDefinition = {
  id: 'gad-7',
  display: 'GAD-7',
  panelLoinc: '69737-5',
  totalLoinc: '70274-6',
  items: frequencyItems(['69725-0', '68509-9', '69733-4', '69734-2', '69735-9', '69689-8', '69736-7']),
  bands: [
    { code: 'minimal', display: 'Minimal', min: 0, max: 4 },
    { code: 'mild', display: 'Mild', min: 5, max: 9 },
    { code: 'moderate', display: 'Moderate', min: 10, max: 14 },
    { code: 'severe', display: 'Severe', min: 15, max: 21 },
  ],
  maxMissingForProration: MAX_MISSING_ITEMS_FOR_PRORATION['gad-7'],
  outcome: { responseDrop: 0.5, remissionBelow: 5, reliableChangePoints: 4, elevatedAbove: 9 },
};

const PCL5_LABELS = { 'not at all': 0, 'a little bit': 1, moderately: 2, 'quite a bit': 3, extremely: 4 };

/** PCL-5 item keys are positional ('pcl5-1' … 'pcl5-20'): the item LOINC codes were not verified (IOP.md §3.1). */
export const PCL5: InstrumentDefinition = {
  id: 'pcl-5',
  display: 'PCL-5',
  panelLoinc: '101697-1',
  totalLoinc: '101698-9',
  items: Array.from({ length: 20 }, (_, i) => ({ key: `pcl5-${i + 1}`, position: i + 1, min: 0, max: 4, answerCodes: {}, answerLabels: PCL5_LABELS })),
  bands: [
    { code: 'below-threshold', display: 'Below the provisional PTSD threshold', min: 0, max: PCL5_PROVISIONAL_PTSD_CUTOFF - 1 },
    { code: 'probable-ptsd', display: 'Probable PTSD (provisional)', min: PCL5_PROVISIONAL_PTSD_CUTOFF, max: 80 },
  ],
  maxMissingForProration: MAX_MISSING_ITEMS_FOR_PRORATION['pcl-5'],
  outcome: { responseDrop: null, remissionBelow: null, reliableChangePoints: 10, elevatedAbove: PCL5_PROVISIONAL_PTSD_CUTOFF - 1 },
};

/** DSM-5 clusters of the PCL-5, by item position. */
export const PCL5_CLUSTERS = { B: [1, 5], C: [6, 7], D: [8, 14], E: [15, 20] } as const;

export const AUDIT_C_Q1 = '68518-0';

export const AUDIT_C: InstrumentDefinition = {
  id: 'audit-c',
  display: 'AUDIT-C',
  panelLoinc: '72109-2',
  totalLoinc: '75626-2',
  items: [
    {
      key: AUDIT_C_Q1,
      position: 1,
      min: 0,
      max: 4,
      answerCodes: { 'LA6270-8': 0, 'LA18926-8': 1, 'LA18927-6': 2, 'LA18928-4': 3, 'LA18929-2': 4 },
      answerLabels: { never: 0, 'monthly or less': 1, '2-4 times a month': 2, '2-3 times a week': 3, '4 or more times a week': 4 },
    },
    {
      key: '68519-8',
      position: 2,
      min: 0,
      max: 4,
      answerCodes: { 'LA15694-5': 0, 'LA15695-2': 1, 'LA18930-0': 2, 'LA18931-8': 3, 'LA18932-6': 4 },
      answerLabels: { '1 or 2': 0, '3 or 4': 1, '5 or 6': 2, '7 to 9': 3, '10 or more': 4 },
    },
    {
      key: '68520-6',
      position: 3,
      min: 0,
      max: 4,
      answerCodes: { 'LA6270-8': 0, 'LA18933-4': 1, 'LA18876-5': 2, 'LA18891-4': 3, 'LA18934-2': 4 },
      answerLabels: { never: 0, 'less than monthly': 1, monthly: 2, weekly: 3, 'daily or almost daily': 4 },
    },
  ],
  bands: [
    // Sex not known: the lower (women's) cut-point. scoreAuditC applies the men's cut-point when sex is male.
    { code: 'negative', display: 'Negative screen', min: 0, max: AUDIT_C_POSITIVE_CUTOFF.unknown - 1 },
    { code: 'positive', display: 'Positive screen', min: AUDIT_C_POSITIVE_CUTOFF.unknown, max: 12 },
  ],
  maxMissingForProration: MAX_MISSING_ITEMS_FOR_PRORATION['audit-c'],
  outcome: { responseDrop: null, remissionBelow: null, reliableChangePoints: null, elevatedAbove: null },
};

export const INSTRUMENTS: Readonly<Record<InstrumentId, InstrumentDefinition>> = { 'phq-9': PHQ9, 'gad-7': GAD7, 'pcl-5': PCL5, 'audit-c': AUDIT_C };

/** The instrument whose panel or total LOINC code this is. */
export function findInstrumentByLoinc(code: string): InstrumentDefinition | undefined {
  return Object.values(INSTRUMENTS).find((d) => d.panelLoinc === code || d.totalLoinc === code);
}
