/** Billing: claim models per payer, CPT time rules, Medicare per-service lines and day tiers, per diems, POS/modifiers, refusals. */
import { CPT_SYSTEM, HCPCS_SYSTEM } from '../../server/src/domain/billing-rules-from-maps';
import type { BillableSession, BillingContext, BillingTables, ClaimLine } from '../../server/src/domain/billing-types';
import { claimFrequencyDigit, programKindForLevel, selectTypeOfBill } from '../../server/src/domain/claim-coding';
import { ASAM_3_SYSTEM, ASAM_4_SYSTEM, MH_LEVEL_SYSTEM, findLevelOfCare } from '../../server/src/domain/levels-of-care';
import { summarizeServiceDays } from '../../server/src/domain/institutional-claim-lines';
import { selectBillingLines, type SelectBillingLinesOptions } from '../../server/src/domain/select-billing-lines';
import { shippedBillingTables } from '../support/billing-maps-from-files';

/** The tables as shipped in terminology/ConceptMap-*.json: these tests check the shipped rules, not a copy. */
const DEFAULT_BILLING_TABLES = shippedBillingTables();

const session = (extra: Partial<BillableSession> = {}): BillableSession => ({
  sessionKey: 's1|Patient/1',
  sessionType: 'individual-psychotherapy',
  serviceDate: '2024-03-04',
  attendanceStatus: 'present',
  minutesAttended: 45,
  noteStatus: 'signed',
  modality: 'in-person',
  ...extra,
});
const select = (s: BillableSession, c: BillingContext, options: Partial<SelectBillingLinesOptions> = {}) => selectBillingLines(s, c, { tables: DEFAULT_BILLING_TABLES, ...options });
const commercialOutpatient: BillingContext = { payerClass: 'commercial', programKind: 'outpatient', setting: 'office' };
const codes = (result: ReturnType<typeof selectBillingLines>) => (result.ok ? result.lines.map((l) => (l.quantity === 1 ? l.code : `${l.code}x${l.quantity}`)) : result.reason);

describe('refusals', () => {
  test('no claim for an unsigned note or an absent patient', () => {
    expect(select(session({ noteStatus: 'draft' }), commercialOutpatient)).toMatchObject({ ok: false, reason: 'note-not-signed' });
    expect(select(session({ noteStatus: 'missing' }), commercialOutpatient)).toMatchObject({ ok: false, reason: 'note-not-signed' });
    expect(select(session({ noteStatus: 'amended' }), commercialOutpatient).ok).toBe(true);
    for (const status of ['absent-unexcused', 'absent-excused', 'cancelled-by-program'] as const) {
      expect(select(session({ attendanceStatus: status, minutesAttended: 0 }), commercialOutpatient)).toMatchObject({ ok: false, reason: 'patient-absent' });
    }
  });

  test('self-pay, no minutes, unknown session type for the payer', () => {
    expect(select(session(), { ...commercialOutpatient, payerClass: 'self-pay' })).toMatchObject({ ok: false, reason: 'payer-not-billable' });
    expect(select(session({ minutesAttended: 0 }), commercialOutpatient)).toMatchObject({ ok: false, reason: 'below-minimum-time' });
    expect(select(session({ sessionType: 'psychoeducation' }), commercialOutpatient)).toMatchObject({ ok: false, reason: 'no-billing-rule' });
  });
});

describe('professional CPT time rules', () => {
  test('90832 / 90834 / 90837 at every boundary; under 16 minutes refused', () => {
    const at = (minutes: number) => codes(select(session({ minutesAttended: minutes }), commercialOutpatient));
    expect(at(15)).toBe('below-minimum-time');
    expect(at(16)).toEqual(['90832']);
    expect(at(37)).toEqual(['90832']);
    expect(at(38)).toEqual(['90834']);
    expect(at(52)).toEqual(['90834']);
    expect(at(53)).toEqual(['90837']);
    expect(at(120)).toEqual(['90837']);
  });

  test('lines carry system, date, POS, deterministic keys', () => {
    const result = select(session({ minutesAttended: 53 }), commercialOutpatient);
    expect(result).toEqual({
      ok: true,
      model: 'professional',
      claimType: 'professional',
      lines: [{ key: 's1|Patient/1|90837', system: CPT_SYSTEM, code: '90837', modifiers: [], quantity: 1, servicedDate: '2024-03-04', placeOfService: '11' }],
      placeOfService: '11',
      warnings: [],
    });
  });

  test('group 90853 (+90785 interactive complexity), multi-family 90849, family 90847/90846 from 26 minutes', () => {
    expect(codes(select(session({ sessionType: 'group-psychotherapy', minutesAttended: 90 }), commercialOutpatient))).toEqual(['90853']);
    expect(codes(select(session({ sessionType: 'group-psychotherapy', features: ['interactive-complexity'] }), commercialOutpatient))).toEqual(['90853', '90785']);
    expect(codes(select(session({ sessionType: 'multi-family-group' }), commercialOutpatient))).toEqual(['90849']);
    expect(codes(select(session({ sessionType: 'family-psychotherapy', minutesAttended: 26 }), commercialOutpatient))).toEqual(['90847']);
    expect(codes(select(session({ sessionType: 'family-psychotherapy', minutesAttended: 25 }), commercialOutpatient))).toBe('below-minimum-time');
    expect(codes(select(session({ sessionType: 'family-psychotherapy', features: ['patient-not-present'] }), commercialOutpatient))).toEqual(['90846']);
  });

  test('evaluations 90791 / 90792; E/M with psychotherapy add-ons by psychotherapy minutes', () => {
    expect(codes(select(session({ sessionType: 'psychiatric-evaluation', minutesAttended: 60 }), commercialOutpatient))).toEqual(['90791']);
    expect(codes(select(session({ sessionType: 'psychiatric-evaluation', features: ['medical-services'] }), commercialOutpatient))).toEqual(['90792']);
    const em = (extra: Partial<BillableSession>) => codes(select(session({ sessionType: 'medication-management', ...extra }), commercialOutpatient));
    expect(em({})).toBe('selected-code-required');
    expect(em({ selectedCode: '99205' })).toBe('selected-code-required');
    expect(em({ selectedCode: '99214' })).toEqual(['99214']);
    expect(em({ selectedCode: '99214', psychotherapyMinutes: 15 })).toEqual(['99214']);
    expect(em({ selectedCode: '99214', psychotherapyMinutes: 16 })).toEqual(['99214', '90833']);
    expect(em({ selectedCode: '99213', psychotherapyMinutes: 38 })).toEqual(['99213', '90836']);
    expect(em({ selectedCode: '99215', psychotherapyMinutes: 53 })).toEqual(['99215', '90838']);
  });

  test('crisis: 90839 from 30 minutes, +90840 per added 30 minutes from 75', () => {
    const crisis = (minutes: number) => codes(select(session({ sessionType: 'crisis-intervention', minutesAttended: minutes }), commercialOutpatient));
    expect(crisis(29)).toBe('below-minimum-time');
    expect(crisis(30)).toEqual(['90839']);
    expect(crisis(74)).toEqual(['90839']);
    expect(crisis(75)).toEqual(['90839', '90840']);
    expect(crisis(104)).toEqual(['90839', '90840']);
    expect(crisis(105)).toEqual(['90839', '90840x2']);
  });

  test('physician services in an IOP are billed professionally, separate from the per diem', () => {
    const result = select(session({ sessionType: 'psychiatric-evaluation', separatelyBillableProfessional: true }), { payerClass: 'medicare', programKind: 'mh-iop', setting: 'cmhc' });
    expect(result).toMatchObject({ ok: true, model: 'professional', lines: [{ code: '90791', placeOfService: '53' }] });
  });
});

describe('place of service and telehealth modifiers', () => {
  test('video to the home: POS 10 + 95 (commercial), POS 02 elsewhere; audio-only 93', () => {
    const video = select(session({ modality: 'video', patientAtHome: true }), commercialOutpatient);
    expect(video).toMatchObject({ ok: true, placeOfService: '10', lines: [{ modifiers: ['95'], placeOfService: '10' }] });
    expect(select(session({ modality: 'video', patientAtHome: false }), commercialOutpatient)).toMatchObject({ placeOfService: '02' });
    expect(select(session({ modality: 'audio-only', patientAtHome: true }), commercialOutpatient)).toMatchObject({ lines: [{ modifiers: ['93'] }] });
  });

  test('Medicare professional: POS carries telehealth, no 95; audio-only 93; FQ in RHC/FQHC; GT for CAH method II', () => {
    const medicare: BillingContext = { payerClass: 'medicare', programKind: 'outpatient', setting: 'office' };
    expect(select(session({ modality: 'video', patientAtHome: true }), medicare)).toMatchObject({ placeOfService: '10', lines: [{ modifiers: [] }] });
    expect(select(session({ modality: 'audio-only', patientAtHome: true }), medicare)).toMatchObject({ lines: [{ modifiers: ['93'] }] });
    expect(select(session({ modality: 'audio-only', patientAtHome: true }), { ...medicare, setting: 'rhc-fqhc' })).toMatchObject({ lines: [{ modifiers: ['FQ'] }] });
    expect(select(session({ modality: 'video', patientAtHome: false }), { ...medicare, setting: 'cah' })).toMatchObject({ lines: [{ modifiers: ['GT'] }] });
  });
});

describe('Medicare IOP/PHP institutional lines', () => {
  const medicareIop: BillingContext = { payerClass: 'medicare', programKind: 'mh-iop', setting: 'cmhc' };

  test('group psychotherapy → G0410 with revenue 0915, units of 45 minutes, condition code 92, TOB 076x', () => {
    const result = select(session({ sessionType: 'group-psychotherapy', minutesAttended: 90 }), medicareIop);
    expect(result).toEqual({
      ok: true,
      model: 'institutional-per-service',
      claimType: 'institutional',
      lines: [{ key: 's1|Patient/1|G0410', system: HCPCS_SYSTEM, code: 'G0410', modifiers: [], revenueCode: '0915', quantity: 2, servicedDate: '2024-03-04', placeOfService: '53' }],
      conditionCode: '92',
      typeOfBillPrefix: '076',
      placeOfService: '53',
      warnings: [],
    });
    expect(codes(select(session({ sessionType: 'group-psychotherapy', minutesAttended: 44 }), medicareIop))).toBe('below-minimum-time');
    expect(codes(select(session({ sessionType: 'group-psychotherapy', minutesAttended: 89 }), medicareIop))).toEqual(['G0410']);
  });

  test('each session type to its HCPCS/CPT and revenue code; PHP is condition code 41', () => {
    const line = (sessionType: BillableSession['sessionType'], minutes = 60, context = medicareIop) => {
      const result = select(session({ sessionType, minutesAttended: minutes }), context);
      return result.ok ? `${result.lines[0].code}/${result.lines[0].revenueCode}` : result.reason;
    };
    expect(line('interactive-group-psychotherapy')).toBe('G0411/0915');
    expect(line('activity-therapy')).toBe('G0176/0904');
    expect(line('psychoeducation')).toBe('G0177/0942');
    expect(line('occupational-therapy')).toBe('G0129/0430');
    expect(line('individual-psychotherapy', 40)).toBe('90834/0914');
    expect(line('family-psychotherapy', 50)).toBe('90847/0916');
    expect(line('medication-management')).toBe('no-billing-rule');
    expect(select(session({ sessionType: 'group-psychotherapy', minutesAttended: 60 }), { ...medicareIop, programKind: 'mh-php' })).toMatchObject({ conditionCode: '41' });
  });

  test('off-campus provider-based departments add PO / PN; hospital TOB 013x', () => {
    const po = select(session({ sessionType: 'group-psychotherapy', minutesAttended: 60 }), { ...medicareIop, setting: 'hospital-off-campus-excepted' });
    expect(po).toMatchObject({ typeOfBillPrefix: '013', placeOfService: '19', lines: [{ modifiers: ['PO'] }] });
    const pn = select(session({ sessionType: 'group-psychotherapy', minutesAttended: 60 }), { ...medicareIop, setting: 'hospital-off-campus-non-excepted' });
    expect(pn).toMatchObject({ lines: [{ modifiers: ['PN'] }] });
  });

  test('Medicare IOP is not furnished in the patient\'s home: telehealth to the home is refused', () => {
    expect(select(session({ sessionType: 'group-psychotherapy', minutesAttended: 60, modality: 'video', patientAtHome: true }), medicareIop)).toMatchObject({ ok: false, reason: 'telehealth-not-covered' });
    expect(select(session({ sessionType: 'group-psychotherapy', minutesAttended: 60, modality: 'video', patientAtHome: false }), medicareIop)).toMatchObject({ ok: true, placeOfService: '02' });
  });

  test('day tiers: 3 services vs 4+, below 3 warned; APCs by provider type', () => {
    let n = 0;
    const line = (date: string, code: string, quantity = 1): ClaimLine => ({ key: `${date}|${code}|${n++}`, system: HCPCS_SYSTEM, code, modifiers: [], quantity, servicedDate: date, placeOfService: '53' });
    const lines = [
      line('2024-03-04', 'G0410'), line('2024-03-04', 'G0410'), line('2024-03-04', 'G0177'),
      line('2024-03-05', 'G0410'), line('2024-03-05', 'G0410'), line('2024-03-05', 'G0176'), line('2024-03-05', 'G0177'),
      line('2024-03-06', 'G0410', 2),
    ];
    expect(summarizeServiceDays(lines, 'iop', 'cmhc', DEFAULT_BILLING_TABLES)).toEqual([
      { date: '2024-03-04', qualifyingServices: 3, tier: 'three-services', apc: '5851', warnings: [] },
      { date: '2024-03-05', qualifyingServices: 4, tier: 'four-plus', apc: '5852', warnings: [] },
      { date: '2024-03-06', qualifyingServices: 1, tier: 'below-minimum', warnings: ['2024-03-06: 1 qualifying service(s); the per diem needs at least 3'] },
    ]);
    const countingUnits: BillingTables = { ...DEFAULT_BILLING_TABLES, tierCountsUnits: true };
    expect(summarizeServiceDays(lines, 'php', 'hospital', countingUnits)[2]).toMatchObject({ qualifyingServices: 2, tier: 'below-minimum' });
    expect(summarizeServiceDays(lines, 'php', 'hospital', DEFAULT_BILLING_TABLES, new Set(['G0410']))[1]).toMatchObject({ qualifyingServices: 2 });
    expect(summarizeServiceDays([], 'iop', 'cmhc', DEFAULT_BILLING_TABLES)).toEqual([]);
  });

  test('type of bill frequency digit', () => {
    expect(selectTypeOfBill('cmhc', claimFrequencyDigit(true, false), DEFAULT_BILLING_TABLES)).toBe('0762');
    expect(selectTypeOfBill('hospital-on-campus', claimFrequencyDigit(false, false), DEFAULT_BILLING_TABLES)).toBe('0133');
    expect(selectTypeOfBill('cah', claimFrequencyDigit(false, true), DEFAULT_BILLING_TABLES)).toBe('0854');
    expect(selectTypeOfBill('hospital-on-campus', claimFrequencyDigit(true, true), DEFAULT_BILLING_TABLES)).toBe('0131');
    expect(selectTypeOfBill('office', '1', DEFAULT_BILLING_TABLES)).toBeUndefined();
  });
});

describe('per-diem program codes', () => {
  test('commercial MH IOP: one S9480 / 0905 line per day, the same key for every session that day', () => {
    const context: BillingContext = { payerClass: 'commercial', programKind: 'mh-iop', setting: 'office' };
    const morning = select(session({ sessionKey: 'am|Patient/1', sessionType: 'group-psychotherapy', minutesAttended: 60 }), context);
    const afternoon = select(session({ sessionKey: 'pm|Patient/1', sessionType: 'psychoeducation', minutesAttended: 60 }), context);
    expect(morning).toMatchObject({ ok: true, model: 'institutional-per-diem', claimType: 'institutional', lines: [{ key: 'per-diem|2024-03-04|S9480', code: 'S9480', revenueCode: '0905', quantity: 1, system: HCPCS_SYSTEM }] });
    expect(afternoon.ok && afternoon.lines[0].key).toBe('per-diem|2024-03-04|S9480');
    expect(morning).not.toHaveProperty('conditionCode');
    expect(morning.ok && morning.warnings).toEqual(['No type of bill for setting office']);
  });

  test('SUD IOP H0015 (Medicaid), PHP S0201, TRICARE PHP H0037', () => {
    const code = (context: BillingContext) => codes(select(session({ sessionType: 'group-psychotherapy' }), context));
    expect(code({ payerClass: 'medicaid', programKind: 'sud-iop', setting: 'sud-facility' })).toEqual(['H0015']);
    expect(code({ payerClass: 'commercial', programKind: 'mh-php', setting: 'hospital-on-campus' })).toEqual(['S0201']);
    expect(code({ payerClass: 'tricare', programKind: 'mh-php', setting: 'hospital-on-campus' })).toEqual(['H0037']);
  });

  test('a payer\'s daily minimum is data: below it, refused', () => {
    const tables: BillingTables = { ...DEFAULT_BILLING_TABLES, perDiemCodes: [{ programKind: 'sud-iop', hcpcs: 'H0015', revenueCode: '0906', minimumDailyMinutes: 180 }] };
    const context: BillingContext = { payerClass: 'medicaid', programKind: 'sud-iop', setting: 'sud-facility' };
    expect(select(session({ minutesAttended: 60 }), context, { tables, dayMinutesAttended: 179 })).toMatchObject({ ok: false, reason: 'below-minimum-time' });
    expect(select(session({ minutesAttended: 60 }), context, { tables, dayMinutesAttended: 180 }).ok).toBe(true);
    expect(select(session({ minutesAttended: 60 }), { ...context, programKind: 'mh-iop' }, { tables })).toMatchObject({ ok: false, reason: 'no-billing-rule' });
  });

  test('tables decide: a payer mapped to professional billing for its IOP', () => {
    const tables: BillingTables = {
      ...DEFAULT_BILLING_TABLES,
      claimModels: [{ payerClasses: ['commercial'], model: 'professional', homeTelehealthAllowed: true }, ...DEFAULT_BILLING_TABLES.claimModels],
    };
    expect(codes(select(session({ sessionType: 'group-psychotherapy' }), { payerClass: 'commercial', programKind: 'mh-iop', setting: 'office' }, { tables }))).toEqual(['90853']);
  });
});

describe('program kind of a level of care', () => {
  test('MH and SUD IOP/PHP, outpatient, and residential levels not billed here', () => {
    const kind = (system: string, code: string) => programKindForLevel(findLevelOfCare({ system, code })!);
    expect(kind(MH_LEVEL_SYSTEM, 'mh-iop')).toBe('mh-iop');
    expect(kind(MH_LEVEL_SYSTEM, 'mh-php')).toBe('mh-php');
    expect(kind(ASAM_3_SYSTEM, '2.1')).toBe('sud-iop');
    expect(kind(ASAM_4_SYSTEM, '2.5')).toBe('sud-php');
    expect(kind(MH_LEVEL_SYSTEM, 'mh-op')).toBe('outpatient');
    expect(kind(ASAM_4_SYSTEM, '1.7')).toBe('outpatient');
    expect(kind(ASAM_3_SYSTEM, '3.5')).toBeUndefined();
  });
});
