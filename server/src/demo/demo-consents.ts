/**
 * 42 CFR Part 2 consents of the demo (docs/part2.md): the SUD IOP's patients signed, at admission, the 2024 single
 * consent for payment and health care operations naming their health plan (Prairie Health Plan); one of them
 * declined, so the plan's backend client (`demo-payer`) sees that patient's SUD claims nowhere.
 */
import type { Consent } from '@medplum/fhirtypes';
import type { FhirContext } from '../fhir/types';
import type { DemoCalendar } from './demo-calendar';
import { DEMO_PROGRAMS, DEMO_SYSTEM, demoPatients } from './demo-bundle';
import { postResource } from './demo-operations';

/** The SUD IOP patient (demo key) who did not consent to disclosure to the health plan. */
export const DECLINED_CONSENT_PATIENT = 'patient-11';

export async function createDemoConsents(ctx: FhirContext, ids: Map<string, string>, calendar: DemoCalendar): Promise<number> {
  const sud = DEMO_PROGRAMS.find((p) => p.part2)!;
  let written = 0;
  for (const patient of demoPatients().filter((p) => p.program.key === sud.key && p.key !== DECLINED_CONSENT_PATIENT && p.payer !== 'self-pay')) {
    const signed = calendar.daysAgo(patient.admittedDaysAgo);
    await postResource(ctx, 'Consent', paymentConsent(ids.get(patient.key)!, ids.get('payer')!, ids.get(`program-${sud.key}`)!, signed, patient.key));
    written++;
  }
  return written;
}

function paymentConsent(patientId: string, payerId: string, programId: string, signed: string, key: string): Consent {
  const role = (code: string) => ({ coding: [{ system: 'http://terminology.hl7.org/CodeSystem/v3-ParticipationType', code }] });
  return {
    resourceType: 'Consent', status: 'active',
    identifier: [{ system: DEMO_SYSTEM, value: `${key}-part2-consent` }],
    scope: { coding: [{ system: 'http://terminology.hl7.org/CodeSystem/consentscope', code: 'patient-privacy', display: 'Privacy Consent' }] },
    category: [{ coding: [{ system: 'http://loinc.org', code: '59284-0', display: 'Patient Consent' }] }],
    patient: { reference: `Patient/${patientId}` },
    dateTime: signed,
    policy: [{ authority: 'https://www.ecfr.gov', uri: 'https://www.ecfr.gov/current/title-42/chapter-I/subchapter-A/part-2' }],
    provision: {
      type: 'permit',
      period: { start: signed },
      actor: [
        { role: role('IRCP'), reference: { reference: `Organization/${payerId}`, display: 'Prairie Health Plan' } },
        { role: role('CST'), reference: { reference: `HealthcareService/${programId}`, display: 'SUD IOP (the disclosing Part 2 program)' } },
      ],
      purpose: ['HPAYMT', 'HOPERAT'].map((code) => ({ system: 'http://terminology.hl7.org/CodeSystem/v3-ActReason', code })),
    },
  };
}
