/**
 * Claims for signed session notes: the session's facts (attended minutes, session type, date, modality), the
 * payer class of the patient's Coverage, the program's kind and setting → domain/select-billing-lines.ts; the
 * authorization's units are then decremented (domain/authorization-units.ts). Refusals (absent patient, self-pay,
 * below minimum time, …) are reported, never billed. One BillingRun per $sign call: claims of the same patient
 * and day, and a Coverage used by several notes, are merged in memory and written once.
 */
import type { Appointment, Claim, CodeableConcept, Condition, Coverage, Encounter, EpisodeOfCare, QuestionnaireResponse } from '@medplum/fhirtypes';
import { applyAuthorizationUsage } from '../../domain/authorization-units';
import type { BillableSession, BillingTables, SessionType } from '../../domain/billing-types';
import { compareDates } from '../../domain/calendar-date';
import { claimFrequencyDigit, programKindForLevel, selectTypeOfBill } from '../../domain/claim-coding';
import { findLevelOfCare } from '../../domain/levels-of-care';
import { parseAttendanceStatus } from '../../domain/attendance-status';
import { selectBillingLines } from '../../domain/select-billing-lines';
import { localDateOf } from '../../domain/time-zone';
import type { FhirContext } from '../../fhir/types';
import { CS, EXT, findExtension, ID, keyIdentifier, keyValue } from './iop-vocabulary';
import { authorizationsOf, findAuthorization, loadActiveCoverages, payerClassOf, withAuthorizationUsage } from './load-coverage';
import { loadProgram } from './load-program';
import { enrollmentFacts } from './map-enrollment';
import { attendanceStatusOf, keyOf } from './map-appointments';
import { buildClaim, mergeClaimItems } from './map-claim';
import { loadBillingTables } from './load-billing-tables';
import { idOf, readResource, searchAll } from './read-resources';
import { attendedModalityOf } from './session-modality';
import { billingAnswersOf } from './note-billing-answers';
import type { WriteSet } from './write-transaction';

export interface SignedSession {
  patientId: string;
  noteStatus: 'signed' | 'amended';
  /** The patient's attendance (or individual-session) Encounter; absent for an absence note. */
  encounter?: Encounter;
  /** The patient's Appointment, for an absence note. */
  booking?: Appointment;
  /** The note's template answers (E/M level, psychotherapy minutes of a medication-management visit). */
  answers?: QuestionnaireResponse;
}

export class BillingRun {
  private readonly claims = new Map<string, { claim: Claim; isNew: boolean }>();
  private readonly coverages = new Map<string, { coverage: Coverage; changed: boolean }>();
  /** Read once per run, on the first billable session, from the stored ConceptMaps. */
  /** One version of the billing rules for the whole run. */
  private tables?: BillingTables;
  readonly messages: string[] = [];

  constructor(private readonly ctx: FhirContext, private readonly now: Date) {}

  /** Bills one signed note; returns the claim key when a line was added. */
  async bill(session: SignedSession): Promise<void> {
    const { encounter, patientId } = session;
    if (!encounter) {
      const status = session.booking ? attendanceStatusOf(session.booking) : undefined;
      this.messages.push(`Patient/${patientId}: no claim, the patient did not attend (${status ?? 'absent'})`);
      return;
    }
    const where = `Encounter/${encounter.id}`;
    const episodeId = idOf(encounter.episodeOfCare?.[0], 'EpisodeOfCare');
    const episode = episodeId ? enrollmentFacts(await readResource<EpisodeOfCare>(this.ctx, 'EpisodeOfCare', episodeId)) : undefined;
    const programId = idOf(findExtension(encounter, EXT.program)?.valueReference, 'HealthcareService') ?? episode?.programId;
    if (!programId) return void this.messages.push(`${where}: no claim, the encounter belongs to no program`);
    const program = await loadProgram(this.ctx, programId);
    const level = (episode && findLevelOfCare(episode.levelOfCare)) ?? program.level;
    const programKind = level ? programKindForLevel(level) : undefined;
    if (!programKind) return void this.messages.push(`${where}: no claim, the level of care is not billed here`);
    const coverage = await this.coverageFor(patientId);
    if (!coverage) return void this.messages.push(`Patient/${patientId}: no claim, the patient has no active Coverage`);

    const facts = sessionFacts(encounter, program.timeZone, session.noteStatus);
    if (typeof facts === 'string') return void this.messages.push(`${where}: no claim, ${facts}`);
    Object.assign(facts, billingAnswersOf(session.answers));
    const tables = (this.tables ??= loadBillingTables());
    const selection = selectBillingLines(facts, { payerClass: payerClassOf(coverage), programKind, setting: program.setting }, { tables });
    if (!selection.ok) return void this.messages.push(`${where}: no claim (${selection.reason}), ${selection.message}`);
    this.messages.push(...selection.warnings.map((w) => `${where}: ${w}`));

    const key = `${patientId}|${facts.serviceDate}|${coverage.id}`;
    const current = this.claims.get(key) ?? await this.loadClaim(key);
    const diagnoses = current?.claim.diagnosis?.flatMap((d) => (d.diagnosisCodeableConcept ? [d.diagnosisCodeableConcept] : [])) ?? await this.diagnosesOf(patientId, episodeId);
    const merged = mergeClaimItems(current?.claim.item ?? [], selection.lines, where, diagnoses.length > 0);
    if (merged.added === 0 && current) return;
    const authorization = findAuthorization([coverage], episode?.levelCoding ?? program.levelCoding, facts.serviceDate, selection.lines.map((l) => l.code));
    const typeOfBill = selection.claimType === 'institutional'
      ? selectTypeOfBill(program.setting, claimFrequencyDigit(await this.isFirstClaim(patientId, episode?.start, facts.serviceDate), episode?.end === facts.serviceDate), tables)
      : undefined;
    const claim = buildClaim(selection, {
      patientId, serviceDate: facts.serviceDate, coverage, provider: program.organization ?? { reference: program.reference }, encounter: where,
      diagnoses, typeOfBill, preAuthRef: authorization?.number, created: localDateOf(this.now, program.timeZone),
    }, merged.items);
    this.claims.set(key, { claim: current ? { ...current.claim, ...claim, id: current.claim.id, meta: { ...current.claim.meta, ...claim.meta } } : claim, isNew: current?.isNew ?? true });
    if (authorization && merged.added > 0) {
      const usage = applyAuthorizationUsage(authorization.state, facts.serviceDate, facts.minutesAttended);
      this.coverages.set(coverage.id!, { coverage: withAuthorizationUsage(authorization, usage.usedUnits, usage.countedDates), changed: true });
      const label = authorization.number ? `authorization ${authorization.number}` : 'authorization';
      this.messages.push(...usage.warnings.map((w) => `Patient/${patientId} (${label}): ${w.message}`));
    }
  }

  /** Adds the claims and coverages to write; returns how many claims were created or changed. */
  flush(writes: WriteSet): number {
    for (const [key, { claim, isNew }] of this.claims) {
      if (isNew) writes.create(claim, keyIdentifier(ID.claim, key));
      else writes.update({ ...claim, identifier: [keyIdentifier(ID.claim, key)] });
    }
    for (const { coverage, changed } of this.coverages.values()) if (changed) writes.update(coverage);
    return this.claims.size;
  }

  private async coverageFor(patientId: string): Promise<Coverage | undefined> {
    const known = [...this.coverages.values()].find((c) => idOf(c.coverage.beneficiary, 'Patient') === patientId);
    if (known) return known.coverage;
    const coverages = (await loadActiveCoverages(this.ctx, [patientId])).get(patientId) ?? [];
    // A coverage with an authorization is the one the program bills first.
    const coverage = coverages.find((c) => authorizationsOf(c).length > 0) ?? coverages[0];
    if (coverage) this.coverages.set(coverage.id!, { coverage, changed: false });
    return coverage;
  }

  private async loadClaim(key: string): Promise<{ claim: Claim; isNew: boolean } | undefined> {
    const [claim] = await searchAll<Claim>(this.ctx, 'Claim', { identifier: `${ID.claim}|${keyValue(key)}` });
    return claim ? { claim, isNew: false } : undefined;
  }

  private async diagnosesOf(patientId: string, episodeId: string | undefined): Promise<CodeableConcept[]> {
    const conditions = await searchAll<Condition>(this.ctx, 'Condition', { patient: `Patient/${patientId}`, 'clinical-status': 'active' });
    const episode = episodeId ? await readResource<EpisodeOfCare>(this.ctx, 'EpisodeOfCare', episodeId) : undefined;
    const ranked = episode?.diagnosis?.map((d) => idOf(d.condition, 'Condition')) ?? [];
    const ordered = [...conditions].sort((a, b) => rank(ranked, a.id) - rank(ranked, b.id));
    return ordered.map((c) => c.code).filter((c): c is CodeableConcept => !!c?.coding?.length).slice(0, 12);
  }

  /** No earlier claim of the patient since the episode began: an admit or interim-first bill. */
  private async isFirstClaim(patientId: string, episodeStart: string | undefined, serviceDate: string): Promise<boolean> {
    const claims = await searchAll<Claim>(this.ctx, 'Claim', { patient: `Patient/${patientId}`, identifier: `${ID.claim}|` });
    return !claims.some((c) => {
      const start = c.billablePeriod?.start?.slice(0, 10);
      return start !== undefined && compareDates(start, serviceDate) < 0 && (episodeStart === undefined || compareDates(start, episodeStart) >= 0);
    });
  }
}

function rank(order: (string | undefined)[], id: string | undefined): number {
  const index = order.indexOf(id);
  return index === -1 ? order.length : index;
}

/** The billing facts of an attendance or individual-session Encounter, or why it cannot be billed. */
function sessionFacts(encounter: Encounter, timeZone: string, noteStatus: 'signed' | 'amended'): BillableSession | string {
  const sessionType = encounter.serviceType?.coding?.find((c) => c.system === CS.sessionType)?.code as SessionType | undefined;
  if (!sessionType) return 'the encounter has no session type';
  const start = encounter.period?.start;
  if (!start) return 'the encounter has no start';
  const minutes = findExtension(encounter, EXT.minutesAttended)?.valueInteger
    ?? (encounter.length?.code === 'min' ? encounter.length.value : undefined)
    ?? (encounter.period?.end ? Math.round((Date.parse(encounter.period.end) - Date.parse(start)) / 60_000) : undefined);
  if (minutes === undefined) return 'the minutes attended are not recorded';
  const code = attendanceStatusOf(encounter);
  const status = code ? parseAttendanceStatus(code) : encounter.status === 'finished' ? 'present' : undefined;
  if (!status) return 'the attendance is not recorded';
  const { modality, patientAtHome } = attendedModalityOf(encounter);
  return {
    sessionKey: keyOf(encounter, ID.patientBooking) ?? `Encounter/${encounter.id}`,
    sessionType, serviceDate: localDateOf(new Date(start), timeZone), attendanceStatus: status, minutesAttended: minutes,
    noteStatus, modality, patientAtHome,
  };
}
