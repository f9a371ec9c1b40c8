/**
 * Claim lines chosen by domain/select-billing-lines.ts → a Claim per patient, service date and coverage
 * (institutional: the IOP Claim profile, type of bill and condition code as supportingInfo). A line already on
 * the claim for the same encounter and code (or the same per-diem day) is not added twice, so signing again or
 * signing an amendment never bills twice.
 */
import type { Claim, ClaimItem, ClaimSupportingInfo, CodeableConcept, Coding, Coverage } from '@medplum/fhirtypes';
import type { BillingSelection, ClaimLine } from '../../domain/billing-types';
import { CS, PROFILE } from './iop-vocabulary';
import type { AnyReference } from './read-resources';

const CLAIM_TYPE = 'http://terminology.hl7.org/CodeSystem/claim-type';

export interface ClaimContext {
  patientId: string;
  serviceDate: string;
  coverage: Coverage;
  provider: AnyReference;
  encounter: string;
  diagnoses: CodeableConcept[];
  typeOfBill?: string;
  preAuthRef?: string;
  created: string;
}

function item(line: ClaimLine, sequence: number, encounter: string, withDiagnosis: boolean): ClaimItem {
  return {
    sequence,
    ...(withDiagnosis ? { diagnosisSequence: [1] } : {}),
    ...(line.revenueCode ? { revenue: { coding: [{ system: CS.revenueCodes, code: line.revenueCode }] } } : {}),
    productOrService: { coding: [{ system: line.system, code: line.code }] },
    ...(line.modifiers.length > 0 ? { modifier: line.modifiers.map((m) => ({ coding: [{ system: line.system, code: m }] })) } : {}),
    servicedDate: line.servicedDate,
    locationCodeableConcept: { coding: [{ system: CS.placeOfService, code: line.placeOfService }] },
    quantity: { value: line.quantity },
    encounter: [{ reference: encounter }],
  };
}

const codeOf = (i: ClaimItem) => i.productOrService?.coding?.[0]?.code;
const billsEncounter = (i: ClaimItem, encounter: string) => (i.encounter ?? []).some((e) => e.reference === encounter);

/** Which lines are new for this encounter; per-diem lines of a day already billed only gain the encounter. */
export function mergeClaimItems(existing: readonly ClaimItem[], lines: readonly ClaimLine[], encounter: string, withDiagnosis: boolean): { items: ClaimItem[]; added: number } {
  const items = existing.map((i) => ({ ...i }));
  let added = 0;
  for (const line of lines) {
    const perDiem = line.key.startsWith('per-diem|');
    const same = items.find((i) => codeOf(i) === line.code && i.servicedDate === line.servicedDate && (perDiem || billsEncounter(i, encounter)));
    if (same) {
      if (perDiem && !billsEncounter(same, encounter)) same.encounter = [...(same.encounter ?? []), { reference: encounter }];
      continue;
    }
    items.push(item(line, items.length + 1, encounter, withDiagnosis));
    added++;
  }
  return { items, added };
}

export function buildClaim(selection: BillingSelection, context: ClaimContext, items: ClaimItem[]): Claim {
  const institutional = selection.claimType === 'institutional';
  const complete = context.diagnoses.length > 0 && (!institutional || context.typeOfBill !== undefined);
  const supportingInfo: ClaimSupportingInfo[] = [];
  if (institutional && context.typeOfBill) supportingInfo.push(info(1, 'type-of-bill', { system: CS.typeOfBill, code: context.typeOfBill }));
  if (selection.conditionCode) supportingInfo.push(info(supportingInfo.length + 1, 'condition-code', { system: CS.conditionCodes, code: selection.conditionCode }));
  return {
    resourceType: 'Claim',
    ...(institutional && complete ? { meta: { profile: [PROFILE.claim] } } : {}),
    // Without a diagnosis on file the claim cannot go out: it waits as a draft for coding.
    status: complete ? 'active' : 'draft',
    type: { coding: [{ system: CLAIM_TYPE, code: selection.claimType }] },
    use: 'claim',
    patient: { reference: `Patient/${context.patientId}` },
    billablePeriod: { start: context.serviceDate, end: context.serviceDate },
    created: context.created,
    provider: context.provider,
    priority: { coding: [{ system: 'http://terminology.hl7.org/CodeSystem/processpriority', code: 'normal' }] },
    ...(supportingInfo.length > 0 ? { supportingInfo } : {}),
    ...(context.diagnoses.length > 0 ? { diagnosis: context.diagnoses.map((d, i) => ({ sequence: i + 1, diagnosisCodeableConcept: d })) } : {}),
    insurance: [{
      sequence: 1, focal: true, coverage: { reference: `Coverage/${context.coverage.id}` },
      ...(context.preAuthRef ? { preAuthRef: [context.preAuthRef] } : {}),
    }],
    item: items,
  };
}

function info(sequence: number, category: string, code: Coding): ClaimSupportingInfo {
  return { sequence, category: { coding: [{ system: CS.claimInformationCategory, code: category }] }, code: { coding: [code] } };
}
