/**
 * Which compliance Tasks (certification, recertification, plan review) should exist now: an obligation gets its
 * Task `leadDays` before it falls due (IOP.md §6.2 "concurrent-review reminders before expiry"; issue 6 "Tasks
 * created before they fall due"), once, under the obligation's deterministic key. Open Tasks whose obligation
 * has moved (signed early, episode ended) are reported as obsolete so they can be cancelled.
 */
import type { CalendarDate } from './calendar-date';
import { addDays, compareDates } from './calendar-date';
import type { DueObligation, ObligationKind } from './certification-schedule';
import { localDateOf } from './time-zone';

export type TaskPriority = 'routine' | 'urgent' | 'asap' | 'stat';

/** A Task that already exists for some obligation (identifier = the obligation key). */
export interface ExistingComplianceTask {
  key: string;
  kind: ObligationKind;
  episodeId: string;
  status: string;
}

export interface ComplianceTaskToCreate {
  key: string;
  kind: ObligationKind;
  episodeId: string;
  dueDate: CalendarDate;
  /** Routine before the due date, urgent once it is due today or overdue. */
  priority: TaskPriority;
  overdue: boolean;
  description: string;
}

export interface ComplianceTaskPlan {
  create: ComplianceTaskToCreate[];
  /** Keys of open Tasks whose obligation is no longer the current one for that episode and kind. */
  obsolete: string[];
}

const OPEN_TASK_STATUSES = new Set(['draft', 'requested', 'received', 'accepted', 'ready', 'in-progress', 'on-hold']);

const DESCRIPTIONS: Record<ObligationKind, string> = {
  certification: 'Physician certification of need for the level of care is due',
  recertification: 'Physician recertification of need for the level of care is due',
  'plan-review': 'Treatment-plan review is due',
};

export interface ComplianceTaskRequest {
  /** The current obligations (from nextCertificationDue / nextPlanReviewDue), at most one per episode and kind. */
  obligations: readonly DueObligation[];
  /**
   * The episode/kind pairs that were evaluated, including those with nothing due any more (episode ended); open
   * Tasks of these pairs that do not match a current obligation are obsolete. Defaults to the obligations' pairs.
   */
  evaluated?: readonly { episodeId: string; kind: ObligationKind }[];
  /** Tasks already created for obligations, any status. */
  existing: readonly ExistingComplianceTask[];
  now: Date;
  /** "Today" is the date of `now` in this zone. */
  timeZone: string;
  /** How many days before the due date the Task should appear (0 = on the due date). */
  leadDays: number;
}

export function planComplianceTasks(request: ComplianceTaskRequest): ComplianceTaskPlan {
  const { obligations, existing, now, timeZone, leadDays } = request;
  if (!Number.isInteger(leadDays) || leadDays < 0) throw new RangeError('leadDays must be a whole number of days, 0 or more');
  const today = localDateOf(now, timeZone);
  const existingKeys = new Set(existing.map((t) => t.key));
  const currentKeys = new Set(obligations.map((o) => o.key));
  const create: ComplianceTaskToCreate[] = [];
  for (const obligation of obligations) {
    if (existingKeys.has(obligation.key)) continue;
    if (compareDates(today, addDays(obligation.dueDate, -leadDays)) < 0) continue;
    const overdue = compareDates(today, obligation.dueDate) > 0;
    create.push({
      key: obligation.key,
      kind: obligation.kind,
      episodeId: obligation.episodeId,
      dueDate: obligation.dueDate,
      priority: compareDates(today, obligation.dueDate) >= 0 ? 'urgent' : 'routine',
      overdue,
      description: `${DESCRIPTIONS[obligation.kind]} by ${obligation.dueDate}${overdue ? ' (overdue)' : ''}`,
    });
  }
  const evaluated = new Set((request.evaluated ?? obligations).map((e) => `${e.kind}|${e.episodeId}`));
  const obsolete = existing
    .filter((t) => OPEN_TASK_STATUSES.has(t.status) && !currentKeys.has(t.key) && evaluated.has(`${t.kind}|${t.episodeId}`))
    .map((t) => t.key);
  return { create, obsolete };
}
