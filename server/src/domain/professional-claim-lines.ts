/**
 * Professional claim lines (CPT) for one session. Source: IOP.md §2.3: 90832 16–37 min, 90834 38–52, 90837 ≥ 53;
 * add-ons +90833/+90836/+90838 only with an E/M (99212–99215); +90785 interactive complexity; 90839 / +90840
 * crisis; 90846 / 90847 family (≥ 26 min); 90849 multiple-family group; 90853 group; 90791 / 90792 evaluation.
 * Time is face-to-face (or video) psychotherapy time; a unit is attained when the midpoint is passed.
 * The codes and thresholds come from BillingTables.professionalCodes.
 */
import type { BillableSession, BillingContext, BillingRefusal, BillingTables, ClaimLine, ProfessionalCodeRule } from './billing-types';
import { bandsForSession, selectTimeBand } from './claim-coding';

export interface LineCoding {
  placeOfService: string;
  modifiers: string[];
}

export function findProfessionalRule(session: Pick<BillableSession, 'sessionType'>, context: BillingContext, tables: BillingTables): ProfessionalCodeRule | undefined {
  return tables.professionalCodes.find(
    (r) => r.sessionType === session.sessionType && (r.payerClasses === undefined || r.payerClasses.includes(context.payerClass)),
  );
}

/** CPT lines for one attended session, or the reason none can be billed. */
export function selectProfessionalLines(
  session: BillableSession,
  context: BillingContext,
  tables: BillingTables,
  coding: LineCoding,
): ClaimLine[] | BillingRefusal {
  const rule = findProfessionalRule(session, context, tables);
  if (!rule) return refuse('no-billing-rule', `No professional code rule for session type ${session.sessionType} and payer class ${context.payerClass}`);
  const line = (code: string, quantity = 1): ClaimLine => ({
    key: `${session.sessionKey}|${code}`,
    system: tables.codeSystems.cpt,
    code,
    modifiers: [...coding.modifiers],
    quantity,
    servicedDate: session.serviceDate,
    placeOfService: coding.placeOfService,
  });
  const lines: ClaimLine[] = [];
  if (rule.selectableCodes) {
    if (!session.selectedCode || !rule.selectableCodes.includes(session.selectedCode)) {
      return refuse('selected-code-required', `A ${session.sessionType} session needs the clinician's code, one of ${rule.selectableCodes.join(', ')}`);
    }
    lines.push(line(session.selectedCode));
    if (rule.psychotherapyAddOnBands && session.psychotherapyMinutes !== undefined) {
      const addOn = selectTimeBand(rule.psychotherapyAddOnBands, session.psychotherapyMinutes);
      if (addOn) lines.push(line(addOn.code));
    }
  } else {
    const bands = bandsForSession(rule.bands, rule.variants, session);
    const band = selectTimeBand(bands, session.minutesAttended);
    if (!band) {
      const minimum = Math.min(...bands.map((b) => b.minMinutes));
      return refuse('below-minimum-time', `${session.minutesAttended} minutes is below the ${minimum} minutes a ${session.sessionType} code needs`);
    }
    lines.push(line(band.code));
    if (rule.addOn && session.minutesAttended >= rule.addOn.firstUnitAtMinutes) {
      const units = Math.floor((session.minutesAttended - rule.addOn.firstUnitAtMinutes) / rule.addOn.stepMinutes) + 1;
      lines.push(line(rule.addOn.code, units));
    }
  }
  for (const addOn of rule.featureAddOns ?? []) {
    if (session.features?.includes(addOn.feature)) lines.push(line(addOn.code));
  }
  return lines;
}

function refuse(reason: BillingRefusal['reason'], message: string): BillingRefusal {
  return { ok: false, reason, message };
}
