/**
 * The demo's payer attribution lists: for each plan of Prairie Health Plan (a payer class it covers), a Group of
 * the patients it covers, across programs, so that a payer can try `Group/{id}/$export` out of the box (the Bulk
 * Data IG's attribution use case). Membership follows the demo patients' Coverage: the same payer and class.
 */
import type { BundleEntry, Group } from '@medplum/fhirtypes';
import type { DemoPatient } from './demo-bundle';

const PAYER_CLASS_SYSTEM = 'http://iop-fhir.org/fhir/CodeSystem/payer-class';
const PLAN_NAMES: Record<string, string> = {
  medicare: 'Medicare fee-for-service', 'medicare-advantage': 'Medicare Advantage', medicaid: 'Medicaid', commercial: 'Commercial',
};

export function attributionGroupEntries(
  patients: DemoPatient[], entry: (key: string, group: Group) => BundleEntry, urn: (key: string) => string, coverageStart: string,
): BundleEntry[] {
  const plans = [...new Set(patients.map((p) => p.payer).filter((payer) => payer !== 'self-pay'))].sort();
  return plans.map((plan) => entry(`attribution-${plan}`, {
    resourceType: 'Group', type: 'person', actual: true, active: true,
    name: `Prairie Health Plan – ${PLAN_NAMES[plan] ?? plan} members (attribution)`,
    code: { coding: [{ system: PAYER_CLASS_SYSTEM, code: plan }], text: 'Payer attribution list' },
    managingEntity: { reference: urn('payer') },
    member: patients.filter((p) => p.payer === plan).map((p) => ({ entity: { reference: urn(p.key) }, period: { start: coverageStart } })),
  }));
}
