/**
 * From one attended, signed session to claim lines under the payer's rules, or a typed refusal. Source: issue 6
 * item 6 and IOP.md §2 (claim models §2.1–§2.2, CPT time rules §2.3, POS and telehealth modifiers §2.4, rule
 * tables §2.5). Refusals, never exceptions: no claim for a note that is not signed (signed or amended notes
 * bill), for an absent patient, for a self-pay payer, for a service below its minimum time, for a session type
 * the payer's table does not code, or for telehealth to the home where the model does not allow it (Medicare
 * IOP/PHP is not furnished in the patient's home, IOP.md §2.1 "Settings").
 */
import type { BillableSession, BillingContext, BillingRefusal, BillingSelection, BillingTables, ClaimLine } from './billing-types';
import { describeAttendanceStatus } from './attendance-status';
import { isTelehealth, selectClaimModel, selectLineModifiers, selectPlaceOfService } from './claim-coding';
import { selectPerDiemLine, selectPerServiceLine } from './institutional-claim-lines';
import { selectProfessionalLines } from './professional-claim-lines';

export interface SelectBillingLinesOptions {
  /** The payer rules (billing-rules-from-maps.ts builds them from the billing ConceptMaps). */
  tables: BillingTables;
  /** The patient's attended minutes across the program that day (per-diem daily minimums). */
  dayMinutesAttended?: number;
}

/** Whether a session can be billed at all, before any code is chosen. */
export function checkSessionBillable(session: BillableSession): BillingRefusal | undefined {
  if (session.noteStatus !== 'signed' && session.noteStatus !== 'amended') {
    return { ok: false, reason: 'note-not-signed', message: `The session note is ${session.noteStatus}; only a signed note can be billed` };
  }
  if (!describeAttendanceStatus(session.attendanceStatus).attended) {
    return { ok: false, reason: 'patient-absent', message: `The patient was ${session.attendanceStatus}; an absence is not billed` };
  }
  if (!Number.isInteger(session.minutesAttended) || session.minutesAttended <= 0) {
    return { ok: false, reason: 'below-minimum-time', message: 'No minutes attended' };
  }
  return undefined;
}

export function selectBillingLines(session: BillableSession, context: BillingContext, options: SelectBillingLinesOptions): BillingSelection | BillingRefusal {
  const { tables } = options;
  const notBillable = checkSessionBillable(session);
  if (notBillable) return notBillable;
  const modelRule = selectClaimModel(session, context, tables);
  if (!modelRule) return { ok: false, reason: 'no-billing-rule', message: `No claim model for payer class ${context.payerClass} and program ${context.programKind}` };
  if (modelRule.model === 'none') return { ok: false, reason: 'payer-not-billable', message: `Payer class ${context.payerClass} is not billed by claim` };
  if (isTelehealth(session) && session.patientAtHome && !modelRule.homeTelehealthAllowed) {
    return { ok: false, reason: 'telehealth-not-covered', message: `${modelRule.model} billing for ${context.payerClass} does not cover services furnished in the patient's home` };
  }
  const model = modelRule.model;
  const placeOfService = selectPlaceOfService(session, context.setting, tables);
  const coding = { placeOfService, modifiers: selectLineModifiers(session, context, model, tables) };
  const warnings: string[] = [];
  let lines: ClaimLine[] | BillingRefusal;
  if (model === 'professional') {
    lines = selectProfessionalLines(session, context, tables, coding);
  } else if (model === 'institutional-per-service') {
    const line = selectPerServiceLine(session, tables, coding);
    lines = 'ok' in line ? line : [line];
  } else {
    const line = selectPerDiemLine(session, context, tables, coding, options.dayMinutesAttended);
    lines = 'ok' in line ? line : [line];
  }
  if (!Array.isArray(lines)) return lines;
  const institutional = model !== 'professional';
  const typeOfBillPrefix = institutional ? tables.typeOfBillPrefixes[context.setting] : undefined;
  if (institutional && typeOfBillPrefix === undefined) warnings.push(`No type of bill for setting ${context.setting}`);
  return {
    ok: true,
    model,
    claimType: institutional ? 'institutional' : 'professional',
    lines,
    ...(model === 'institutional-per-service' && tables.conditionCodes[context.programKind] ? { conditionCode: tables.conditionCodes[context.programKind] } : {}),
    ...(typeOfBillPrefix ? { typeOfBillPrefix } : {}),
    placeOfService,
    warnings,
  };
}
