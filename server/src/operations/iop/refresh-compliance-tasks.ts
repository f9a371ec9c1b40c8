/**
 * Certification, recertification and treatment-plan review Tasks for enrollments: which obligations are due
 * (domain/certification-schedule.ts), which Tasks should exist now and which are obsolete
 * (domain/compliance-tasks.ts). Run at enrollment, on a certification or plan review, on a change of level of
 * care, and with each attendance recording, so a Task appears LEAD_DAYS before its obligation falls due.
 *
 * Certifications are ServiceRequests and plan reviews ClinicalImpressions whose identifiers carry their key
 * (`certification|<episode>|<date>`, `plan-review|<episode>|<date>`); the review cycle starts at admission.
 */
import type { ClinicalImpression, ServiceRequest, Task } from '@medplum/fhirtypes';
import type { DueObligation, ObligationKind } from '../../domain/certification-schedule';
import { MEDICARE_CERTIFICATION_RULES, MEDICARE_PLAN_REVIEW_RULES, nextCertificationDue, nextPlanReviewDue } from '../../domain/certification-schedule';
import type { ExistingComplianceTask } from '../../domain/compliance-tasks';
import { planComplianceTasks } from '../../domain/compliance-tasks';
import { findLevelOfCare } from '../../domain/levels-of-care';
import type { FhirContext } from '../../fhir/types';
import { CS, ID, keyIdentifier } from './iop-vocabulary';
import type { EnrollmentFacts } from './map-enrollment';
import { keyOf } from './map-appointments';
import { searchAll } from './read-resources';
import type { WriteSet } from './write-transaction';

/** Days before the due date that a compliance Task is created. */
export const COMPLIANCE_LEAD_DAYS = 7;

const KINDS: readonly ObligationKind[] = ['certification', 'recertification', 'plan-review'];

export interface ComplianceRefresh {
  created: number;
  closed: number;
}

/**
 * Adds the Tasks to create and the obsolete ones to close for these enrollments (one patient or many) to
 * `writes`. Obsolete Tasks of a kind in `completedKinds` are completed (the obligation was just met), others
 * cancelled (the episode ended or moved).
 */
export async function refreshComplianceTasks(
  ctx: FhirContext, enrollments: readonly EnrollmentFacts[], writes: WriteSet,
  options: { now: Date; timeZone: string; completedKinds?: readonly ObligationKind[] },
): Promise<ComplianceRefresh> {
  if (enrollments.length === 0) return { created: 0, closed: 0 };
  const patients = [...new Set(enrollments.map((e) => `Patient/${e.patientId}`))].join(',');
  // One after the other: inside a transaction every read shares one connection.
  const certifications = await searchAll<ServiceRequest>(ctx, 'ServiceRequest', { patient: patients, identifier: `${ID.certification}|` });
  const reviews = await searchAll<ClinicalImpression>(ctx, 'ClinicalImpression', { patient: patients, identifier: `${ID.planReview}|` });
  const tasks = await searchAll<Task>(ctx, 'Task', { patient: patients, identifier: `${ID.complianceObligation}|` });
  const datesOf = (resources: { identifier?: { system?: string; value?: string }[] }[], system: string, episodeId: string) =>
    resources.map((r) => keyOf(r, system)?.split('|')).filter((k): k is string[] => k !== undefined && k[1] === episodeId).map((k) => k[2]);
  const obligations: DueObligation[] = [];
  const evaluated: { episodeId: string; kind: ObligationKind }[] = [];
  for (const enrollment of enrollments) {
    const benefit = findLevelOfCare(enrollment.levelOfCare)?.medicareBenefit;
    for (const kind of KINDS) evaluated.push({ episodeId: enrollment.episodeId, kind });
    if (!benefit || (enrollment.status !== 'active' && enrollment.status !== 'onhold')) continue;
    const certification = nextCertificationDue({
      episodeId: enrollment.episodeId, admissionDate: enrollment.start, endDate: enrollment.end,
      signedCertificationDates: datesOf(certifications, ID.certification, enrollment.episodeId),
    }, MEDICARE_CERTIFICATION_RULES[benefit]);
    const review = nextPlanReviewDue({
      episodeId: enrollment.episodeId, planStartDate: enrollment.start, endDate: enrollment.end,
      reviewDates: datesOf(reviews, ID.planReview, enrollment.episodeId),
    }, MEDICARE_PLAN_REVIEW_RULES[benefit]);
    if (certification) obligations.push(certification);
    if (review) obligations.push(review);
  }
  const existing = tasks.map(existingTask).filter((t): t is ExistingComplianceTask & { task: Task } => t !== undefined);
  const plan = planComplianceTasks({ obligations, evaluated, existing, now: options.now, timeZone: options.timeZone, leadDays: COMPLIANCE_LEAD_DAYS });
  for (const task of plan.create) {
    const enrollment = enrollments.find((e) => e.episodeId === task.episodeId)!;
    writes.create({
      resourceType: 'Task',
      status: 'requested',
      intent: 'order',
      priority: task.priority,
      code: { coding: [{ system: CS.taskCode, code: task.kind }], text: task.description },
      description: task.description,
      for: { reference: `Patient/${enrollment.patientId}` },
      focus: { reference: `EpisodeOfCare/${task.episodeId}` },
      authoredOn: options.now.toISOString(),
      restriction: { period: { end: task.dueDate } },
      ...(enrollment.careManager ? { owner: enrollment.careManager } : {}),
    }, keyIdentifier(ID.complianceObligation, task.key));
  }
  const completed = new Set(options.completedKinds ?? []);
  for (const key of plan.obsolete) {
    const found = existing.find((t) => t.key === key)!;
    const status = completed.has(found.kind) ? 'completed' : 'cancelled';
    writes.update({ ...found.task, status, lastModified: options.now.toISOString(), ...(status === 'cancelled' ? { statusReason: { text: 'No longer due: the episode ended or the obligation moved' } } : {}) });
  }
  return { created: plan.create.length, closed: plan.obsolete.length };
}

function existingTask(task: Task): (ExistingComplianceTask & { task: Task }) | undefined {
  const key = keyOf(task, ID.complianceObligation);
  const [kind, episodeId] = key?.split('|') ?? [];
  if (!key || !KINDS.includes(kind as ObligationKind) || !episodeId) return undefined;
  return { key, kind: kind as ObligationKind, episodeId, status: task.status, task };
}
