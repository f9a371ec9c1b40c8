/**
 * Coverage (IOP Coverage profile) → payer class and authorizations (authorized-units extension) as the domain's
 * AuthorizationState. Units used so far live in two sub-extensions the server maintains on each authorization:
 * `usedUnits` (unsignedInt) and `countedDate` (date, repeated: days already counted for day units).
 */
import type { Coding, Coverage, Extension } from '@medplum/fhirtypes';
import type { AuthorizationState, AuthorizationUnitType } from '../../domain/authorization-units';
import type { PayerClass } from '../../domain/billing-types';
import { isDateWithin } from '../../domain/calendar-date';
import type { FhirContext } from '../../fhir/types';
import { CS, EXT } from './iop-vocabulary';
import { idOf, searchAll } from './read-resources';

const PAYER_CLASSES: readonly PayerClass[] = ['medicare', 'medicare-advantage', 'medicaid', 'commercial', 'tricare', 'self-pay', 'other'];
const UNIT_TYPES: readonly AuthorizationUnitType[] = ['day', 'session', 'unit-15-min', 'hour'];

export interface CoverageAuthorization {
  coverage: Coverage;
  /** Position of the authorized-units extension on the Coverage. */
  extensionIndex: number;
  number?: string;
  levelOfCare?: Coding;
  service?: Coding;
  state: AuthorizationState;
}

/** Active Coverages of these patients, by patient id. */
export async function loadActiveCoverages(ctx: FhirContext, patientIds: readonly string[]): Promise<Map<string, Coverage[]>> {
  const byPatient = new Map<string, Coverage[]>();
  if (patientIds.length === 0) return byPatient;
  const coverages = await searchAll<Coverage>(ctx, 'Coverage', { beneficiary: patientIds.map((id) => `Patient/${id}`).join(','), status: 'active' });
  for (const coverage of coverages) {
    const patientId = idOf(coverage.beneficiary, 'Patient');
    if (!patientId) continue;
    byPatient.set(patientId, [...(byPatient.get(patientId) ?? []), coverage]);
  }
  return byPatient;
}

export function payerClassOf(coverage: Coverage): PayerClass {
  const code = coverage.type?.coding?.find((c) => c.system === CS.payerClass)?.code;
  return PAYER_CLASSES.find((p) => p === code) ?? 'other';
}

export function authorizationsOf(coverage: Coverage): CoverageAuthorization[] {
  const result: CoverageAuthorization[] = [];
  (coverage.extension ?? []).forEach((extension, extensionIndex) => {
    if (extension.url !== EXT.authorizedUnits) return;
    const sub = (url: string) => extension.extension?.find((e) => e.url === url);
    const unitType = UNIT_TYPES.find((u) => u === sub('unitType')?.valueCode);
    const units = sub('units')?.valuePositiveInt;
    const period = sub('period')?.valuePeriod;
    if (!unitType || units === undefined || !period?.start) return;
    result.push({
      coverage,
      extensionIndex,
      number: sub('authorizationNumber')?.valueString,
      levelOfCare: sub('levelOfCare')?.valueCodeableConcept?.coding?.[0],
      service: sub('service')?.valueCodeableConcept?.coding?.[0],
      state: {
        unitType,
        authorizedUnits: units,
        usedUnits: sub('usedUnits')?.valueUnsignedInt ?? 0,
        period: { start: period.start.slice(0, 10), ...(period.end ? { end: period.end.slice(0, 10) } : {}) },
        countedDates: (extension.extension ?? []).filter((e) => e.url === 'countedDate' && e.valueDate).map((e) => e.valueDate!),
      },
    });
  });
  return result;
}

/**
 * The authorization that applies to a service: for the level of care (or one of the billed codes), preferring
 * one whose period covers the date, else the latest one (so an ended authorization is reported, not ignored).
 */
export function findAuthorization(
  coverages: readonly Coverage[], levelOfCare: Coding | undefined, date: string, billedCodes: readonly string[] = [],
): CoverageAuthorization | undefined {
  const matching = coverages.flatMap(authorizationsOf).filter((a) =>
    (a.levelOfCare && levelOfCare && a.levelOfCare.system === levelOfCare.system && a.levelOfCare.code === levelOfCare.code)
    || (a.service?.code !== undefined && billedCodes.includes(a.service.code)));
  const current = matching.find((a) => isDateWithin(date, a.state.period.start, a.state.period.end));
  return current ?? [...matching].sort((a, b) => (a.state.period.start < b.state.period.start ? 1 : -1))[0];
}

/** The Coverage with the authorization's used units and counted dates replaced. */
export function withAuthorizationUsage(authorization: CoverageAuthorization, usedUnits: number, countedDates: readonly string[]): Coverage {
  const coverage = authorization.coverage;
  const extensions = [...(coverage.extension ?? [])];
  const current = extensions[authorization.extensionIndex];
  const kept = (current.extension ?? []).filter((e) => e.url !== 'usedUnits' && e.url !== 'countedDate');
  const updated: Extension = {
    ...current,
    extension: [...kept, { url: 'usedUnits', valueUnsignedInt: usedUnits }, ...countedDates.map((d) => ({ url: 'countedDate', valueDate: d }))],
  };
  extensions[authorization.extensionIndex] = updated;
  return { ...coverage, extension: extensions };
}
