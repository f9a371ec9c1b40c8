/**
 * The billing tables the claim rules take (billing-types.ts), built from the billing-rule ConceptMaps
 * (terminology/ConceptMap-*.json, stored at start and editable over REST). This is the only reader of those maps:
 * the claim rules never see a ConceptMap, and the maps are the only source of codes, time rules and payer rules.
 * How each map reads is documented in terminology-billing-maps.fsh and docs/iop-workflows.md.
 */
import type { ConceptMap } from '@medplum/fhirtypes';
import type {
  BillingTables, ClaimModel, ClaimModelRule, FacilitySetting, InstitutionalServiceRule, Modality, ModifierRule, PayerClass,
  PerDiemCodeRule, PerDiemTierRule, ProfessionalCodeRule, ProgramKind, SessionFeature, SessionType, TimeBand,
} from './billing-types';
import { BillingRulesError, type BillingRuleProperty, type MapRule, numberProperty, readMapRules } from './concept-map-rules';
import type { MedicareBenefit } from './levels-of-care';

export const CPT_SYSTEM = 'http://www.ama-assn.org/go/cpt';
export const HCPCS_SYSTEM = 'https://www.cms.gov/Medicare/Coding/HCPCSReleaseCodeSets';
const POS_SYSTEM = 'https://www.cms.gov/Medicare/Coding/place-of-service-codes/Place_of_Service_Code_Set';
const TOB_SYSTEM = 'https://www.nubc.org/CodeSystem/TypeOfBill';
const PROGRAM_KIND_SYSTEM = 'http://iop-fhir.org/fhir/CodeSystem/billing-program-kind';
const MAP = 'http://iop-fhir.org/fhir/ConceptMap/';

/** The maps the billing tables are built from, by what they decide. */
export const BILLING_MAP_URLS = {
  claimModels: `${MAP}payer-class-to-claim-model`,
  professionalCodes: `${MAP}session-type-to-professional`,
  institutionalServices: `${MAP}session-type-to-medicare`,
  revenueCodes: `${MAP}hcpcs-to-revenue-code`,
  perDiemCodes: `${MAP}program-to-per-diem-code`,
  conditionCodes: `${MAP}program-to-condition-code`,
  facilitySetting: `${MAP}facility-setting-to-claim-coding`,
  telehealth: `${MAP}modality-to-telehealth-coding`,
  perDiemTiers: `${MAP}service-day-tier-to-apc`,
} as const;

/** Throws BillingRulesError naming the map and rule when a map is missing or cannot be read. */
export function buildBillingTables(maps: readonly ConceptMap[]): BillingTables {
  const rulesOf = (url: string, allowedConditions: readonly BillingRuleProperty[]): MapRule[] => {
    const map = maps.find((m) => m.url === url);
    if (!map) throw new BillingRulesError(`The billing rules ConceptMap ${url} is missing`);
    const rules = readMapRules(map);
    for (const rule of rules) {
      const unsupported = Object.keys(rule.when).find((p) => !allowedConditions.includes(p as BillingRuleProperty));
      if (unsupported) throw new BillingRulesError(`${url}: ${rule.source} → ${rule.code ?? '(none)'}: ${unsupported} is not a condition this map supports`);
    }
    return rules;
  };
  const revenueCodes = rulesOf(BILLING_MAP_URLS.revenueCodes, []).flatMap((r) => (r.code ? [{ code: r.source, revenueCode: r.code }] : []));
  const setting = rulesOf(BILLING_MAP_URLS.facilitySetting, []);
  const telehealth = rulesOf(BILLING_MAP_URLS.telehealth, ['payer-class', 'facility-setting', 'claim-model', 'patient-at-home']);
  const tiers = rulesOf(BILLING_MAP_URLS.perDiemTiers, ['medicare-benefit', 'provider-type']);
  return {
    version: maps.filter((m) => (Object.values(BILLING_MAP_URLS) as string[]).includes(m.url ?? '')).map((m) => `${m.url}|${m.version ?? ''}`).sort().join(' '),
    claimModels: rulesOf(BILLING_MAP_URLS.claimModels, ['program-kind', 'separately-billable-professional']).map(toClaimModelRule),
    professionalCodes: toProfessionalRules(BILLING_MAP_URLS.professionalCodes, rulesOf(BILLING_MAP_URLS.professionalCodes, ['payer-class', 'session-feature', 'min-minutes', 'max-minutes'])),
    institutionalServices: toInstitutionalRules(BILLING_MAP_URLS.institutionalServices, rulesOf(BILLING_MAP_URLS.institutionalServices, ['session-feature', 'min-minutes', 'max-minutes'])),
    revenueCodes,
    perDiemCodes: rulesOf(BILLING_MAP_URLS.perDiemCodes, ['payer-class', 'min-minutes']).flatMap((r) => toPerDiemRule(r, revenueCodes)),
    conditionCodes: Object.fromEntries(
      rulesOf(BILLING_MAP_URLS.conditionCodes, []).filter((r) => r.sourceSystem === PROGRAM_KIND_SYSTEM && r.code).map((r) => [r.source, r.code]),
    ),
    typeOfBillPrefixes: Object.fromEntries(setting.filter((r) => r.targetSystem === TOB_SYSTEM && r.code).map((r) => [r.source, r.code!.slice(0, 3)])),
    placeOfService: {
      ...Object.fromEntries(setting.filter((r) => r.targetSystem === POS_SYSTEM && r.code).map((r) => [r.source, r.code])),
      telehealthHome: firstCode(telehealth, (r) => r.targetSystem === POS_SYSTEM && r.when['patient-at-home'] === 'true', 'telehealth place of service at home'),
      telehealthOther: firstCode(telehealth, (r) => r.targetSystem === POS_SYSTEM && r.when['patient-at-home'] === undefined, 'telehealth place of service'),
    } as BillingTables['placeOfService'],
    telehealthModifiers: telehealth.filter((r) => r.targetSystem !== POS_SYSTEM).map(toModifierRule),
    settingModifiers: Object.fromEntries(setting.filter((r) => r.targetSystem === HCPCS_SYSTEM && r.code).map((r) => [r.source, r.code])),
    perDiemTiers: toTierRules(BILLING_MAP_URLS.perDiemTiers, tiers),
    tierCountsUnits: tiers.some((r) => r.gives['tier-counts'] === 'units'),
    codeSystems: { cpt: CPT_SYSTEM, hcpcs: HCPCS_SYSTEM },
  };
}

function firstCode(rules: readonly MapRule[], test: (r: MapRule) => boolean, what: string): string {
  const code = rules.find((r) => test(r) && r.code)?.code;
  if (!code) throw new BillingRulesError(`${BILLING_MAP_URLS.telehealth}: no ${what}`);
  return code;
}

function toClaimModelRule(rule: MapRule): ClaimModelRule {
  if (!rule.code) throw new BillingRulesError(`${BILLING_MAP_URLS.claimModels}: ${rule.source} needs a claim model (use 'none' for no claim)`);
  const separately = rule.when['separately-billable-professional'];
  return {
    payerClasses: [rule.source as PayerClass],
    ...(rule.when['program-kind'] ? { programKinds: [rule.when['program-kind'] as ProgramKind] } : {}),
    ...(separately !== undefined ? { separatelyBillableProfessional: separately === 'true' } : {}),
    model: rule.code as ClaimModel,
    ...(rule.gives['medicare-benefit'] ? { medicareBenefit: rule.gives['medicare-benefit'] as MedicareBenefit } : {}),
    homeTelehealthAllowed: rule.gives['home-telehealth-allowed'] !== 'false',
  };
}

function band(map: string, rule: MapRule): TimeBand {
  const max = numberProperty(map, rule, rule.when['max-minutes']);
  return { code: rule.code!, minMinutes: numberProperty(map, rule, rule.when['min-minutes']) ?? 1, ...(max !== undefined ? { maxMinutes: max } : {}) };
}

/** Targets grouped by session type (and payer class), in first-appearance order. */
function groupBySession(rules: readonly MapRule[]): { sessionType: SessionType; payerClass?: PayerClass; rules: MapRule[] }[] {
  const groups = new Map<string, { sessionType: SessionType; payerClass?: PayerClass; rules: MapRule[] }>();
  for (const rule of rules) {
    const payerClass = rule.when['payer-class'] as PayerClass | undefined;
    const key = `${rule.source}|${payerClass ?? ''}`;
    if (!groups.has(key)) groups.set(key, { sessionType: rule.source as SessionType, ...(payerClass ? { payerClass } : {}), rules: [] });
    if (rule.code) groups.get(key)!.rules.push(rule);
  }
  return [...groups.values()].filter((g) => g.rules.length > 0);
}

type Variants = { feature: SessionFeature; bands: TimeBand[] }[];

function addVariantBand(variants: Variants, feature: SessionFeature, timeBand: TimeBand): void {
  const variant = variants.find((v) => v.feature === feature) ?? variants[variants.push({ feature, bands: [] }) - 1];
  variant.bands.push(timeBand);
}

function toProfessionalRules(map: string, rules: readonly MapRule[]): ProfessionalCodeRule[] {
  const groups = groupBySession(rules);
  // A payer's own codes are found before the codes for every payer (first match wins).
  const ordered = [...groups.filter((g) => g.payerClass), ...groups.filter((g) => !g.payerClass)];
  return ordered.map(({ sessionType, payerClass, rules: targets }) => {
    const bands: TimeBand[] = [];
    const variants: Variants = [];
    const featureAddOns: { feature: SessionFeature; code: string }[] = [];
    const selectableCodes: string[] = [];
    const psychotherapyAddOnBands: TimeBand[] = [];
    let addOn: ProfessionalCodeRule['addOn'];
    for (const target of targets) {
      const feature = target.when['session-feature'] as SessionFeature | undefined;
      const role = target.gives['line-role'] ?? 'primary';
      if (role === 'primary') {
        if (feature) addVariantBand(variants, feature, band(map, target));
        else bands.push(band(map, target));
      } else if (role === 'feature-add-on') {
        if (!feature) throw new BillingRulesError(`${map}: ${sessionType} → ${target.code}: a feature add-on needs a session-feature condition`);
        featureAddOns.push({ feature, code: target.code! });
      } else if (role === 'selectable') {
        selectableCodes.push(target.code!);
      } else if (role === 'psychotherapy-add-on') {
        psychotherapyAddOnBands.push(band(map, target));
      } else if (role === 'unit-add-on') {
        const first = numberProperty(map, target, target.gives['first-unit-minutes']);
        const step = numberProperty(map, target, target.gives['step-minutes']);
        if (first === undefined || !step) throw new BillingRulesError(`${map}: ${sessionType} → ${target.code}: a unit add-on needs first-unit-minutes and step-minutes`);
        addOn = { code: target.code!, firstUnitAtMinutes: first, stepMinutes: step };
      } else {
        throw new BillingRulesError(`${map}: ${sessionType} → ${target.code}: unknown line-role ${role}`);
      }
    }
    return {
      sessionType,
      ...(payerClass ? { payerClasses: [payerClass] } : {}),
      bands,
      ...(variants.length ? { variants } : {}),
      ...(selectableCodes.length ? { selectableCodes } : {}),
      ...(psychotherapyAddOnBands.length ? { psychotherapyAddOnBands } : {}),
      ...(addOn ? { addOn } : {}),
      ...(featureAddOns.length ? { featureAddOns } : {}),
    };
  });
}

function toInstitutionalRules(map: string, rules: readonly MapRule[]): InstitutionalServiceRule[] {
  return groupBySession(rules).map(({ sessionType, rules: targets }) => {
    const bands: TimeBand[] = [];
    const variants: Variants = [];
    let minutesPerUnit: number | undefined;
    for (const target of targets) {
      const feature = target.when['session-feature'] as SessionFeature | undefined;
      if (feature) addVariantBand(variants, feature, band(map, target));
      else bands.push(band(map, target));
      minutesPerUnit ??= numberProperty(map, target, target.gives['minutes-per-unit']);
    }
    return { sessionType, bands, ...(variants.length ? { variants } : {}), ...(minutesPerUnit ? { minutesPerUnit } : {}) };
  });
}

function toPerDiemRule(rule: MapRule, revenueCodes: readonly { code: string; revenueCode: string }[]): PerDiemCodeRule[] {
  if (!rule.code) return [];
  const revenueCode = revenueCodes.find((r) => r.code === rule.code)?.revenueCode;
  if (!revenueCode) throw new BillingRulesError(`${BILLING_MAP_URLS.revenueCodes}: no revenue code for the per-diem code ${rule.code}`);
  const minimum = numberProperty(BILLING_MAP_URLS.perDiemCodes, rule, rule.when['min-minutes']);
  return [{
    programKind: rule.source as ProgramKind,
    ...(rule.when['payer-class'] ? { payerClasses: [rule.when['payer-class'] as PayerClass] } : {}),
    hcpcs: rule.code,
    revenueCode,
    ...(minimum !== undefined ? { minimumDailyMinutes: minimum } : {}),
  }];
}

function toModifierRule(rule: MapRule): ModifierRule {
  return {
    modality: rule.source as Modality,
    ...(rule.when['payer-class'] ? { payerClasses: [rule.when['payer-class'] as PayerClass] } : {}),
    ...(rule.when['facility-setting'] ? { settings: [rule.when['facility-setting'] as FacilitySetting] } : {}),
    ...(rule.when['claim-model'] ? { models: [rule.when['claim-model'] as ClaimModel] } : {}),
    modifiers: rule.code ? [rule.code] : [],
  };
}

function toTierRules(map: string, rules: readonly MapRule[]): PerDiemTierRule[] {
  const tiers = new Map<string, PerDiemTierRule>();
  for (const rule of rules) {
    const benefit = rule.when['medicare-benefit'] as MedicareBenefit | undefined;
    const providerType = rule.when['provider-type'] as 'hospital' | 'cmhc' | undefined;
    if (!rule.code || !benefit || !providerType) throw new BillingRulesError(`${map}: ${rule.source} needs an APC, a medicare-benefit and a provider-type`);
    const key = `${benefit}|${providerType}`;
    const tier = tiers.get(key) ?? { benefit, providerType, threeServicesApc: '', fourPlusServicesApc: '' };
    if (rule.source === 'three-services') tier.threeServicesApc = rule.code;
    else if (rule.source === 'four-plus-services') tier.fourPlusServicesApc = rule.code;
    else throw new BillingRulesError(`${map}: unknown service-day tier ${rule.source}`);
    tiers.set(key, tier);
  }
  return [...tiers.values()];
}
