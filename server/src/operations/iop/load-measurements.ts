/** Score Observations (PHQ-9, GAD-7, PCL-5, AUDIT-C totals) as the domain's ScoredMeasurements. */
import type { Observation } from '@medplum/fhirtypes';
import { findInstrumentByLoinc, INSTRUMENTS } from '../../domain/instrument-definitions';
import type { ScoredMeasurement } from '../../domain/outcomes';
import type { FhirContext } from '../../fhir/types';
import { CS } from './iop-vocabulary';
import { idOf, searchAll } from './read-resources';

export const TOTAL_CODES = Object.values(INSTRUMENTS).map((d) => `${CS.loinc}|${d.totalLoinc}`).join(',');

/** Final score Observations of these patients, by patient id. */
export async function loadMeasurements(ctx: FhirContext, patientIds: readonly string[], codes = TOTAL_CODES): Promise<Map<string, ScoredMeasurement[]>> {
  const byPatient = new Map<string, ScoredMeasurement[]>();
  if (patientIds.length === 0) return byPatient;
  const observations = await searchAll<Observation>(ctx, 'Observation', { subject: patientIds.map((id) => `Patient/${id}`).join(','), code: codes, status: 'final,amended,corrected' });
  for (const observation of observations) {
    const patientId = idOf(observation.subject, 'Patient');
    const measurement = toMeasurement(observation);
    if (!patientId || !measurement) continue;
    byPatient.set(patientId, [...(byPatient.get(patientId) ?? []), measurement]);
  }
  return byPatient;
}

export function toMeasurement(observation: Observation): ScoredMeasurement | undefined {
  const code = observation.code?.coding?.find((c) => c.system === CS.loinc)?.code;
  const definition = code ? findInstrumentByLoinc(code) : undefined;
  const total = observation.valueInteger ?? observation.valueQuantity?.value;
  const date = observation.effectiveDateTime ?? observation.effectivePeriod?.start ?? observation.issued;
  if (!definition || total === undefined || !date) return undefined;
  return { instrument: definition.id, date: new Date(date), total, observationId: observation.id };
}
