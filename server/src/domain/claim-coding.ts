/**
 * The claim-level coding decisions: which claim model applies (payer class × program × rendering provider), the
 * place of service, the telehealth and provider-based modifiers, and the type of bill. Source: IOP.md §2.1
 * (claim format, TOB 13X/76X/85X with frequency digit, PN/PO), §2.4 (POS 02/10, modifiers 95/93/FQ/GT), §2.5
 * (ConceptMaps: setting → TOB, telehealth mode → POS/modifier per payer). All decisions read BillingTables.
 */
import type { BillableSession, BillingContext, BillingTables, ClaimModel, ClaimModelRule, FacilitySetting, ProgramKind, TimeBand } from './billing-types';
import type { LevelOfCareDefinition } from './levels-of-care';

/** The billing program kind of a level of care; undefined for residential and inpatient levels (not billed here). */
export function programKindForLevel(level: LevelOfCareDefinition): ProgramKind | undefined {
  if (level.medicareBenefit === 'iop') return level.substanceUse ? 'sud-iop' : 'mh-iop';
  if (level.medicareBenefit === 'php') return level.substanceUse ? 'sud-php' : 'mh-php';
  if (level.intensityRank <= 12) return 'outpatient';
  return undefined;
}

/** The first claim-model rule matching the payer class, program kind and rendering provider. */
export function selectClaimModel(session: Pick<BillableSession, 'separatelyBillableProfessional'>, context: BillingContext, tables: BillingTables): ClaimModelRule | undefined {
  return tables.claimModels.find(
    (rule) =>
      (rule.payerClasses === undefined || rule.payerClasses.includes(context.payerClass)) &&
      (rule.programKinds === undefined || rule.programKinds.includes(context.programKind)) &&
      (rule.separatelyBillableProfessional === undefined || rule.separatelyBillableProfessional === (session.separatelyBillableProfessional ?? false)),
  );
}

export function isTelehealth(session: Pick<BillableSession, 'modality'>): boolean {
  return session.modality !== 'in-person';
}

/** POS: the facility's code in person; 10 (patient at home) or 02 (elsewhere) by telehealth. */
export function selectPlaceOfService(session: Pick<BillableSession, 'modality' | 'patientAtHome'>, setting: FacilitySetting, tables: BillingTables): string {
  if (!isTelehealth(session)) return tables.placeOfService[setting];
  return session.patientAtHome ? tables.placeOfService.telehealthHome : tables.placeOfService.telehealthOther;
}

/** Modifiers for a line: the first matching telehealth rule, then the provider-based-department modifier (institutional). */
export function selectLineModifiers(session: Pick<BillableSession, 'modality'>, context: BillingContext, model: ClaimModel, tables: BillingTables): string[] {
  const rule = tables.telehealthModifiers.find(
    (r) =>
      r.modality === session.modality &&
      (r.payerClasses === undefined || r.payerClasses.includes(context.payerClass)) &&
      (r.models === undefined || r.models.includes(model)) &&
      (r.settings === undefined || r.settings.includes(context.setting)),
  );
  const modifiers = [...(rule?.modifiers ?? [])];
  const settingModifier = tables.settingModifiers[context.setting];
  if (model !== 'professional' && settingModifier) modifiers.push(settingModifier);
  return modifiers;
}

/** Claim frequency digit (IOP.md §2.1): 1 admit-through-discharge, 2 interim-first, 3 interim-continuing, 4 interim-last. */
export function claimFrequencyDigit(firstClaimOfEpisode: boolean, episodeEndsWithinClaim: boolean): '1' | '2' | '3' | '4' {
  if (firstClaimOfEpisode) return episodeEndsWithinClaim ? '1' : '2';
  return episodeEndsWithinClaim ? '4' : '3';
}

/** Full type of bill (e.g. '0132'), or undefined when the setting bills no institutional claim. */
export function selectTypeOfBill(setting: FacilitySetting, frequencyDigit: '1' | '2' | '3' | '4', tables: BillingTables): string | undefined {
  const prefix = tables.typeOfBillPrefixes[setting];
  return prefix === undefined ? undefined : `${prefix}${frequencyDigit}`;
}

/** The band that `minutes` falls in, or undefined below the first band. */
export function selectTimeBand(bands: readonly TimeBand[], minutes: number): TimeBand | undefined {
  return bands.find((b) => minutes >= b.minMinutes && (b.maxMinutes === undefined || minutes <= b.maxMinutes));
}

/** The bands of the first variant whose feature the session has, else the default bands. */
export function bandsForSession(
  defaults: readonly TimeBand[],
  variants: readonly { feature: string; bands: readonly TimeBand[] }[] | undefined,
  session: Pick<BillableSession, 'features'>,
): readonly TimeBand[] {
  const variant = variants?.find((v) => session.features?.includes(v.feature as never));
  return variant ? variant.bands : defaults;
}
