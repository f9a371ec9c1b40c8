/**
 * Institutional (UB-04 / 837I) claim lines. Source: IOP.md §2.1 "Claim format" (revenue code + HCPCS for each
 * covered service, line-item dates, condition code 92 IOP / 41 PHP) and "Per-diem tiers" (days with 3 services vs
 * 4 or more; APCs per provider type), §2.2 (commercial/Medicaid per-diem program codes S9480, H0015, … one
 * revenue code and one unit per day of attendance), §2.5 (HCPCS → revenue code ConceptMap).
 *
 * - Per service (Medicare IOP/PHP): one line per session; G-codes in units of `minutesPerUnit` (G0410 is a
 *   45–50 min service, so 90 minutes is 2 units; under 45 minutes is not billable).
 * - Per diem: one line per day of attendance, keyed by date and code so several sessions that day give one line.
 * - Day tier: qualifying services that day → 'three-services' (3) or 'four-plus' (≥ 4); fewer than 3 is
 *   'below-minimum' with a warning, because how such days pay is I/OCE logic IOP.md could not pin (§8).
 */
import type { BillableSession, BillingContext, BillingRefusal, BillingTables, ClaimLine, PerDiemCodeRule } from './billing-types';
import type { CalendarDate } from './calendar-date';
import { bandsForSession, selectTimeBand } from './claim-coding';
import type { MedicareBenefit } from './levels-of-care';
import type { LineCoding } from './professional-claim-lines';

export function codeSystemFor(code: string, tables: BillingTables): string {
  return /^[A-Z]/.test(code) ? tables.codeSystems.hcpcs : tables.codeSystems.cpt;
}

export function revenueCodeFor(code: string, tables: BillingTables): string | undefined {
  return tables.revenueCodes.find((r) => r.code === code)?.revenueCode;
}

/** The facility line for one session under Medicare-style per-service billing. */
export function selectPerServiceLine(session: BillableSession, tables: BillingTables, coding: LineCoding): ClaimLine | BillingRefusal {
  const rule = tables.institutionalServices.find((r) => r.sessionType === session.sessionType);
  if (!rule) return refuse('no-billing-rule', `No institutional service code for session type ${session.sessionType}`);
  const bands = bandsForSession(rule.bands, rule.variants, session);
  const band = selectTimeBand(bands, session.minutesAttended);
  if (!band) {
    const minimum = bands.length ? Math.min(...bands.map((b) => b.minMinutes)) : undefined;
    return refuse('below-minimum-time', `${session.minutesAttended} minutes is below the ${minimum ?? '(no code)'} minutes ${bands[0]?.code ?? session.sessionType} needs`);
  }
  const code = band.code;
  const revenueCode = revenueCodeFor(code, tables);
  if (revenueCode === undefined) return refuse('no-billing-rule', `No revenue code for ${code}`);
  const quantity = rule.minutesPerUnit === undefined ? 1 : Math.floor(session.minutesAttended / rule.minutesPerUnit);
  if (quantity < 1) return refuse('below-minimum-time', `${session.minutesAttended} minutes is less than one ${rule.minutesPerUnit}-minute unit of ${code}`);
  return {
    key: `${session.sessionKey}|${code}`,
    system: codeSystemFor(code, tables),
    code,
    modifiers: [...coding.modifiers],
    revenueCode,
    quantity,
    servicedDate: session.serviceDate,
    placeOfService: coding.placeOfService,
  };
}

export function findPerDiemRule(context: BillingContext, tables: BillingTables): PerDiemCodeRule | undefined {
  return tables.perDiemCodes.find(
    (r) => r.programKind === context.programKind && (r.payerClasses === undefined || r.payerClasses.includes(context.payerClass)),
  );
}

/**
 * The per-diem line for the session's day. `dayMinutesAttended` is the patient's attended minutes across the
 * program that day (default: this session's), checked against the rule's daily minimum when it has one.
 */
export function selectPerDiemLine(
  session: BillableSession,
  context: BillingContext,
  tables: BillingTables,
  coding: LineCoding,
  dayMinutesAttended: number = session.minutesAttended,
): ClaimLine | BillingRefusal {
  const rule = findPerDiemRule(context, tables);
  if (!rule) return refuse('no-billing-rule', `No per-diem code for program ${context.programKind} and payer class ${context.payerClass}`);
  if (rule.minimumDailyMinutes !== undefined && dayMinutesAttended < rule.minimumDailyMinutes) {
    return refuse('below-minimum-time', `${dayMinutesAttended} minutes attended that day is below the ${rule.minimumDailyMinutes} minutes ${rule.hcpcs} needs`);
  }
  return {
    key: `per-diem|${session.serviceDate}|${rule.hcpcs}`,
    system: codeSystemFor(rule.hcpcs, tables),
    code: rule.hcpcs,
    modifiers: [...coding.modifiers],
    revenueCode: rule.revenueCode,
    quantity: 1,
    servicedDate: session.serviceDate,
    placeOfService: coding.placeOfService,
  };
}

export type PerDiemTier = 'below-minimum' | 'three-services' | 'four-plus';

export interface ServiceDaySummary {
  date: CalendarDate;
  qualifyingServices: number;
  tier: PerDiemTier;
  apc?: string;
  warnings: string[];
}

/**
 * The Medicare per-diem tier of each day from the per-service lines of one patient's claim. Every line counts as
 * a service unless `qualifyingCodes` is given (the I/OCE PHP/IOP list for the year, to be imported as data).
 */
export function summarizeServiceDays(
  lines: readonly ClaimLine[],
  benefit: MedicareBenefit,
  providerType: 'hospital' | 'cmhc',
  tables: BillingTables,
  qualifyingCodes?: ReadonlySet<string>,
): ServiceDaySummary[] {
  const byDate = new Map<CalendarDate, number>();
  for (const line of lines) {
    if (qualifyingCodes && !qualifyingCodes.has(line.code)) continue;
    byDate.set(line.servicedDate, (byDate.get(line.servicedDate) ?? 0) + (tables.tierCountsUnits ? line.quantity : 1));
  }
  const tierRule = tables.perDiemTiers.find((t) => t.benefit === benefit && t.providerType === providerType);
  return [...byDate.keys()].sort().map((date) => {
    const services = byDate.get(date) as number;
    if (services < 3) {
      return { date, qualifyingServices: services, tier: 'below-minimum', warnings: [`${date}: ${services} qualifying service(s); the per diem needs at least 3`] };
    }
    const tier: PerDiemTier = services >= 4 ? 'four-plus' : 'three-services';
    const apc = tierRule ? (tier === 'four-plus' ? tierRule.fourPlusServicesApc : tierRule.threeServicesApc) : undefined;
    return { date, qualifyingServices: services, tier, ...(apc ? { apc } : {}), warnings: [] };
  });
}

function refuse(reason: BillingRefusal['reason'], message: string): BillingRefusal {
  return { ok: false, reason, message };
}
