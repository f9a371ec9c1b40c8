/**
 * Types of the billing rule tables and of what the billing rules take and return. The tables are data, built
 * from the billing-rule ConceptMaps by billing-rules-from-maps.ts (IOP.md §2.5: service type → HCPCS/CPT per
 * payer, HCPCS → revenue code, program → condition code, setting → type of bill, telehealth mode → POS/modifier).
 */
import type { CalendarDate } from './calendar-date';
import type { AttendanceStatus } from './attendance-status';
import type { MedicareBenefit } from './levels-of-care';

/** PayerClass CodeSystem codes. */
export type PayerClass = 'medicare' | 'medicare-advantage' | 'medicaid' | 'commercial' | 'tricare' | 'self-pay' | 'other';

/** ProgramType CodeSystem codes, plus 'outpatient' for a level below IOP. */
export type ProgramKind = 'mh-iop' | 'sud-iop' | 'cod-iop' | 'mh-php' | 'sud-php' | 'outpatient';

/** SessionType CodeSystem codes. */
export type SessionType =
  | 'group-psychotherapy'
  | 'interactive-group-psychotherapy'
  | 'individual-psychotherapy'
  | 'family-psychotherapy'
  | 'multi-family-group'
  | 'psychiatric-evaluation'
  | 'medication-management'
  | 'psychoeducation'
  | 'activity-therapy'
  | 'occupational-therapy'
  | 'crisis-intervention';

export type Modality = 'in-person' | 'video' | 'audio-only';

/** Where the program runs: decides place of service, type of bill and provider-based modifiers. */
export type FacilitySetting =
  | 'hospital-on-campus'
  | 'hospital-off-campus-excepted'
  | 'hospital-off-campus-non-excepted'
  | 'cmhc'
  | 'cah'
  | 'rhc-fqhc'
  | 'office'
  | 'sud-facility'
  | 'otp';

/** Facts a session may carry that change its codes. */
export type SessionFeature = 'patient-not-present' | 'medical-services' | 'interactive-complexity';

/**
 * How a payer is billed for a program: professional lines (CPT, CMS-1500/837P), Medicare-style institutional
 * lines per service (revenue code + HCPCS per service, condition code 92/41, per-diem tier by services per day),
 * institutional per-diem (one program code per day of attendance, e.g. S9480, H0015), or not at all.
 */
export type ClaimModel = 'professional' | 'institutional-per-service' | 'institutional-per-diem' | 'none';

export interface ClaimModelRule {
  /** Absent: any payer class. */
  payerClasses?: readonly PayerClass[];
  /** Absent: any program kind. */
  programKinds?: readonly ProgramKind[];
  /** Services of physicians, NPs, PAs, psychologists are billed separately from the per diem (IOP.md §2.1). */
  separatelyBillableProfessional?: boolean;
  model: ClaimModel;
  /** The Medicare benefit whose condition code applies (institutional-per-service). */
  medicareBenefit?: MedicareBenefit;
  /** Telehealth to the patient's home is billable under this model (Medicare IOP/PHP is not furnished at home). */
  homeTelehealthAllowed: boolean;
}

/** A code attained by minutes: minMinutes ≤ minutes ≤ maxMinutes (max open when absent). */
export interface TimeBand {
  code: string;
  minMinutes: number;
  maxMinutes?: number;
}

/** Repeated add-on units: the first at `firstUnitAtMinutes`, one more every `stepMinutes` (e.g. 90840). */
export interface AddOnUnitRule {
  code: string;
  firstUnitAtMinutes: number;
  stepMinutes: number;
}

export interface ProfessionalCodeRule {
  sessionType: SessionType;
  payerClasses?: readonly PayerClass[];
  /** Codes by minutes attended; empty when the clinician selects the code (E/M level). */
  bands: readonly TimeBand[];
  /** Bands used instead when the session has the feature (first matching variant wins). */
  variants?: readonly { feature: SessionFeature; bands: readonly TimeBand[] }[];
  /** The session must name one of these (e.g. the E/M level 99212–99215); it becomes the primary line. */
  selectableCodes?: readonly string[];
  /** Psychotherapy add-on by the session's psychotherapy minutes when done with an E/M (+90833/+90836/+90838). */
  psychotherapyAddOnBands?: readonly TimeBand[];
  addOn?: AddOnUnitRule;
  /** Codes added when the session has the feature (+90785 interactive complexity). */
  featureAddOns?: readonly { feature: SessionFeature; code: string }[];
}

/** Medicare-style facility service line for one session type (IOP.md §2.1 HCPCS list). */
export interface InstitutionalServiceRule {
  sessionType: SessionType;
  /** Codes by minutes attended (a G-code is one band from its 45-minute minimum). */
  bands: readonly TimeBand[];
  variants?: readonly { feature: SessionFeature; bands: readonly TimeBand[] }[];
  /** Units of `minutesPerUnit` (G-codes are per 45–50 min session); absent: 1 unit. */
  minutesPerUnit?: number;
}

export interface RevenueCodeRule {
  /** HCPCS/CPT code → NUBC revenue code. */
  code: string;
  revenueCode: string;
}

export interface PerDiemCodeRule {
  programKind: ProgramKind;
  payerClasses?: readonly PayerClass[];
  hcpcs: string;
  revenueCode: string;
  /** Minutes attended that day below which the per diem is not billable (a payer rule; absent: any attendance). */
  minimumDailyMinutes?: number;
}

export interface ModifierRule {
  payerClasses?: readonly PayerClass[];
  models?: readonly ClaimModel[];
  settings?: readonly FacilitySetting[];
  modality: Modality;
  modifiers: readonly string[];
}

/** Medicare per-diem tier APCs by provider type and benefit (IOP.md §2.1 "Per-diem tiers"). */
export interface PerDiemTierRule {
  benefit: MedicareBenefit;
  providerType: 'hospital' | 'cmhc';
  threeServicesApc: string;
  fourPlusServicesApc: string;
}

export interface BillingTables {
  version: string;
  claimModels: readonly ClaimModelRule[];
  professionalCodes: readonly ProfessionalCodeRule[];
  institutionalServices: readonly InstitutionalServiceRule[];
  revenueCodes: readonly RevenueCodeRule[];
  perDiemCodes: readonly PerDiemCodeRule[];
  /** Condition code of an institutional-per-service claim by program kind (92 IOP, 41 PHP). */
  conditionCodes: Readonly<Partial<Record<ProgramKind, string>>>;
  /** Type-of-bill facility + classification digits by setting ('013' hospital outpatient, '076' CMHC, '085' CAH). */
  typeOfBillPrefixes: Readonly<Partial<Record<FacilitySetting, string>>>;
  placeOfService: Readonly<Record<FacilitySetting, string>> & { telehealthHome: string; telehealthOther: string };
  telehealthModifiers: readonly ModifierRule[];
  /** Provider-based department modifiers on institutional lines (PO excepted, PN non-excepted). */
  settingModifiers: Readonly<Partial<Record<FacilitySetting, string>>>;
  perDiemTiers: readonly PerDiemTierRule[];
  /** Count each unit (true) or each line (false) toward the 3 / 4+ services tier (I/OCE logic not pinned). */
  tierCountsUnits: boolean;
  codeSystems: { cpt: string; hcpcs: string };
}

/** An attended session whose note may have been signed: what billing needs to know. */
export interface BillableSession {
  /** Deterministic key of the session booking; part of every professional line key. */
  sessionKey: string;
  sessionType: SessionType;
  serviceDate: CalendarDate;
  attendanceStatus: AttendanceStatus;
  minutesAttended: number;
  /** Status of the patient's note for the session. */
  noteStatus: 'signed' | 'amended' | 'draft' | 'missing';
  modality: Modality;
  /** For telehealth: where the patient was. */
  patientAtHome?: boolean;
  features?: readonly SessionFeature[];
  /** Clinician-selected code where the rule asks for one (E/M level). */
  selectedCode?: string;
  /** Minutes of psychotherapy within an E/M visit (add-on codes). */
  psychotherapyMinutes?: number;
  /** Rendered by a physician, NP, PA or psychologist (billed separately from the per diem). */
  separatelyBillableProfessional?: boolean;
}

export interface BillingContext {
  payerClass: PayerClass;
  programKind: ProgramKind;
  setting: FacilitySetting;
}

export interface ClaimLine {
  /** Deterministic: a re-run yields the same key, and a per-diem day yields one key however many sessions. */
  key: string;
  system: string;
  code: string;
  modifiers: string[];
  revenueCode?: string;
  quantity: number;
  servicedDate: CalendarDate;
  placeOfService: string;
}

export type BillingRefusalReason =
  | 'note-not-signed'
  | 'patient-absent'
  | 'below-minimum-time'
  | 'payer-not-billable'
  | 'no-billing-rule'
  | 'telehealth-not-covered'
  | 'selected-code-required';

export interface BillingRefusal {
  ok: false;
  reason: BillingRefusalReason;
  message: string;
}

export interface BillingSelection {
  ok: true;
  model: Exclude<ClaimModel, 'none'>;
  claimType: 'professional' | 'institutional';
  lines: ClaimLine[];
  /** Institutional-per-service (Medicare): condition code 92 (IOP) / 41 (PHP). */
  conditionCode?: string;
  /** Institutional: type-of-bill prefix; the frequency digit is added per claim (claimFrequencyDigit). */
  typeOfBillPrefix?: string;
  placeOfService: string;
  warnings: string[];
}
