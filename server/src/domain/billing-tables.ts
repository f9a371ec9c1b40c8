/**
 * Default billing rule tables, from IOP.md §2 (tags [V]/[S]/[M] as there). Data only: the rules in
 * select-billing-lines.ts read whatever tables they are given, so a payer's own rules (or ConceptMaps loaded from
 * terminology/) replace these without code changes. Codes only: CPT and NUBC descriptors are licensed (IOP.md §0).
 *
 * Not pinned by IOP.md (marked "unverified" below): revenue codes for CPT lines and G0129/G0177, the per-diem code
 * for SUD PHP, hospital and PHP APC numbers, and whether the 3 / 4+ services tier counts units or lines.
 */
import type { BillingTables, TimeBand } from './billing-types';

export const CPT_SYSTEM = 'http://www.ama-assn.org/go/cpt';
export const HCPCS_SYSTEM = 'https://www.cms.gov/Medicare/Coding/HCPCSReleaseCodeSets';

/** Psychotherapy by minutes: 90832 16–37, 90834 38–52, 90837 ≥ 53 [V §2.3]. Under 16 minutes is not billable. */
export const PSYCHOTHERAPY_BANDS: readonly TimeBand[] = [
  { code: '90832', minMinutes: 16, maxMinutes: 37 },
  { code: '90834', minMinutes: 38, maxMinutes: 52 },
  { code: '90837', minMinutes: 53 },
];

/** Psychotherapy add-ons with an E/M, same time ranges [V §2.3]. */
export const PSYCHOTHERAPY_ADD_ON_BANDS: readonly TimeBand[] = [
  { code: '90833', minMinutes: 16, maxMinutes: 37 },
  { code: '90836', minMinutes: 38, maxMinutes: 52 },
  { code: '90838', minMinutes: 53 },
];

/** Family psychotherapy 50 min, billable from 26 minutes [S §2.3]. */
const FAMILY_WITH_PATIENT: readonly TimeBand[] = [{ code: '90847', minMinutes: 26 }];
const FAMILY_WITHOUT_PATIENT: readonly TimeBand[] = [{ code: '90846', minMinutes: 26 }];

/** Crisis psychotherapy: 90839 first 60 min (from 30), +90840 each added 30 min, attained past the midpoint (75, 105 …) [S §2.3; midpoint rule V]. */
const CRISIS_BANDS: readonly TimeBand[] = [{ code: '90839', minMinutes: 30 }];

export const DEFAULT_BILLING_TABLES: BillingTables = {
  version: 'iop-md-2024',
  claimModels: [
    { payerClasses: ['self-pay'], model: 'none', homeTelehealthAllowed: true },
    { separatelyBillableProfessional: true, model: 'professional', homeTelehealthAllowed: true },
    { programKinds: ['outpatient'], model: 'professional', homeTelehealthAllowed: true },
    { payerClasses: ['medicare', 'medicare-advantage'], programKinds: ['mh-iop', 'sud-iop', 'cod-iop'], model: 'institutional-per-service', medicareBenefit: 'iop', homeTelehealthAllowed: false },
    { payerClasses: ['medicare', 'medicare-advantage'], programKinds: ['mh-php', 'sud-php'], model: 'institutional-per-service', medicareBenefit: 'php', homeTelehealthAllowed: false },
    { model: 'institutional-per-diem', homeTelehealthAllowed: true },
  ],
  professionalCodes: [
    { sessionType: 'individual-psychotherapy', bands: PSYCHOTHERAPY_BANDS, featureAddOns: [{ feature: 'interactive-complexity', code: '90785' }] },
    { sessionType: 'group-psychotherapy', bands: [{ code: '90853', minMinutes: 1 }], featureAddOns: [{ feature: 'interactive-complexity', code: '90785' }] },
    { sessionType: 'interactive-group-psychotherapy', bands: [{ code: '90853', minMinutes: 1 }], featureAddOns: [{ feature: 'interactive-complexity', code: '90785' }] },
    { sessionType: 'multi-family-group', bands: [{ code: '90849', minMinutes: 1 }] },
    { sessionType: 'family-psychotherapy', bands: FAMILY_WITH_PATIENT, variants: [{ feature: 'patient-not-present', bands: FAMILY_WITHOUT_PATIENT }] },
    {
      sessionType: 'psychiatric-evaluation',
      bands: [{ code: '90791', minMinutes: 1 }],
      variants: [{ feature: 'medical-services', bands: [{ code: '90792', minMinutes: 1 }] }],
      featureAddOns: [{ feature: 'interactive-complexity', code: '90785' }],
    },
    { sessionType: 'medication-management', bands: [], selectableCodes: ['99212', '99213', '99214', '99215'], psychotherapyAddOnBands: PSYCHOTHERAPY_ADD_ON_BANDS },
    { sessionType: 'crisis-intervention', bands: CRISIS_BANDS, addOn: { code: '90840', firstUnitAtMinutes: 75, stepMinutes: 30 } },
  ],
  institutionalServices: [
    { sessionType: 'group-psychotherapy', code: 'G0410', minutesPerUnit: 45, minimumMinutes: 45 },
    { sessionType: 'interactive-group-psychotherapy', code: 'G0411', minutesPerUnit: 45, minimumMinutes: 45 },
    { sessionType: 'occupational-therapy', code: 'G0129', minutesPerUnit: 45, minimumMinutes: 45 },
    { sessionType: 'activity-therapy', code: 'G0176', minutesPerUnit: 45, minimumMinutes: 45 },
    { sessionType: 'psychoeducation', code: 'G0177', minutesPerUnit: 45, minimumMinutes: 45 },
    { sessionType: 'individual-psychotherapy', bands: PSYCHOTHERAPY_BANDS },
    { sessionType: 'family-psychotherapy', bands: FAMILY_WITH_PATIENT, variants: [{ feature: 'patient-not-present', bands: FAMILY_WITHOUT_PATIENT }] },
    { sessionType: 'multi-family-group', code: '90849' },
    { sessionType: 'psychiatric-evaluation', code: '90791', variants: [{ feature: 'medical-services', bands: [{ code: '90792', minMinutes: 1 }] }] },
    { sessionType: 'crisis-intervention', bands: CRISIS_BANDS },
  ],
  revenueCodes: [
    { code: 'G0410', revenueCode: '0915' }, // [V §2.5 example]
    { code: 'G0411', revenueCode: '0915' },
    { code: 'G0176', revenueCode: '0904' }, // [V §2.5 example]
    { code: 'G0177', revenueCode: '0942' }, // unverified
    { code: 'G0129', revenueCode: '0430' }, // unverified
    { code: '90832', revenueCode: '0914' }, // unverified (0914 individual therapy [M])
    { code: '90834', revenueCode: '0914' },
    { code: '90837', revenueCode: '0914' },
    { code: '90839', revenueCode: '0914' },
    { code: '90846', revenueCode: '0916' }, // unverified (0916 family therapy [M])
    { code: '90847', revenueCode: '0916' },
    { code: '90849', revenueCode: '0916' },
    { code: '90791', revenueCode: '0900' }, // unverified
    { code: '90792', revenueCode: '0900' },
    { code: 'S9480', revenueCode: '0905' }, // [V §2.5 example]
    { code: 'H0015', revenueCode: '0906' }, // [M]
  ],
  perDiemCodes: [
    { programKind: 'mh-iop', hcpcs: 'S9480', revenueCode: '0905' }, // [V] not payable by Medicare
    { programKind: 'cod-iop', hcpcs: 'S9480', revenueCode: '0905' },
    { programKind: 'sud-iop', hcpcs: 'H0015', revenueCode: '0906' }, // [S]
    { programKind: 'mh-php', payerClasses: ['tricare'], hcpcs: 'H0037', revenueCode: '0913' }, // [V humanamilitary]
    { programKind: 'mh-php', hcpcs: 'S0201', revenueCode: '0913' }, // [S]
    { programKind: 'sud-php', hcpcs: 'H2036', revenueCode: '0906' }, // unverified pairing
  ],
  conditionCodes: { iop: '92', php: '41' }, // [V]
  typeOfBillPrefixes: {
    'hospital-on-campus': '013',
    'hospital-off-campus-excepted': '013',
    'hospital-off-campus-non-excepted': '013',
    cmhc: '076',
    cah: '085',
    'rhc-fqhc': '071', // [M] RHC 71X (FQHC 77X) via ch.9
    otp: '013', // unverified
  },
  placeOfService: {
    'hospital-on-campus': '22',
    'hospital-off-campus-excepted': '19',
    'hospital-off-campus-non-excepted': '19',
    cmhc: '53',
    cah: '22',
    'rhc-fqhc': '11', // unverified (RHC 72 / FQHC 50 are outside the IOP.md subset)
    office: '11',
    'sud-facility': '57',
    otp: '58',
    telehealthHome: '10',
    telehealthOther: '02',
  },
  telehealthModifiers: [
    // Medicare 2024+: POS 02/10 mark telehealth; 95 only for hospital clinicians to the home [V NGS]; audio-only
    // behavioral telehealth 93 [V FCSO], FQ in RHC/FQHC and OTP [V FCSO].
    { payerClasses: ['medicare'], settings: ['rhc-fqhc', 'otp'], modality: 'audio-only', modifiers: ['FQ'] },
    { payerClasses: ['medicare'], settings: ['cah'], models: ['professional'], modality: 'video', modifiers: ['GT'] },
    { payerClasses: ['medicare'], modality: 'video', modifiers: [] },
    { payerClasses: ['medicare'], modality: 'audio-only', modifiers: ['93'] },
    // Other payers vary (POS 02 vs 11 + 95) [S]: default 95 video, 93 audio-only.
    { modality: 'video', modifiers: ['95'] },
    { modality: 'audio-only', modifiers: ['93'] },
    { modality: 'in-person', modifiers: [] },
  ],
  settingModifiers: { 'hospital-off-campus-excepted': 'PO', 'hospital-off-campus-non-excepted': 'PN' }, // [V CGS]
  perDiemTiers: [
    { benefit: 'iop', providerType: 'cmhc', threeServicesApc: '5851', fourPlusServicesApc: '5852' }, // [V Noridian]
    { benefit: 'iop', providerType: 'hospital', threeServicesApc: '5861', fourPlusServicesApc: '5862' }, // [M]
    { benefit: 'php', providerType: 'cmhc', threeServicesApc: '5853', fourPlusServicesApc: '5854' }, // [M]
    { benefit: 'php', providerType: 'hospital', threeServicesApc: '5863', fourPlusServicesApc: '5864' }, // [M]
  ],
  tierCountsUnits: false,
  codeSystems: { cpt: CPT_SYSTEM, hcpcs: HCPCS_SYSTEM },
};
