/**
 * When the portal offers the MHSIP satisfaction survey (docs/engagement.md "Satisfaction"), as a pure function of the
 * patient's enrollments, their MHSIP answers and the program's clock (no clock is read here: `today` and `dateOf`
 * come from the caller, on the program's time zone):
 * - **at discharge**: their latest enrollment has ended and none is open, until they have answered once since that
 *   enrollment began;
 * - **at set intervals while in treatment**: an active enrollment has run at least SURVEY_INTERVAL_DAYS days and no
 *   answer was authored in the last SURVEY_INTERVAL_DAYS days.
 */

/** Days between two surveys while in treatment, and the time in treatment before the first one. */
export const SURVEY_INTERVAL_DAYS = 30;

const OPEN = new Set(['active', 'onhold', 'waitlist', 'planned']);

/** Whole days from one calendar date (YYYY-MM-DD) to another. */
export function daysBetween(from, to) {
  const utc = (date) => Date.UTC(Number(date.slice(0, 4)), Number(date.slice(5, 7)) - 1, Number(date.slice(8, 10)));
  return Math.round((utc(to) - utc(from)) / 86_400_000);
}

/** The enrollment that ended last, when no enrollment is open. */
export function lastDischarge(episodes) {
  if (episodes.some((e) => OPEN.has(e.status))) return undefined;
  return episodes.filter((e) => e.status === 'finished' && e.period?.end).sort((a, b) => b.period.end.localeCompare(a.period.end))[0];
}

/**
 * @param {{ episodes: any[], responses: any[], today: string, dateOf: (instant: string) => string }} input
 *   responses: the patient's MHSIP QuestionnaireResponses; today: YYYY-MM-DD on the program's clock; dateOf: the
 *   calendar date of an instant on that clock (a date-only value is its own date).
 * @returns {{ reason: 'discharge' | 'interval', episode: any, answered?: any } | undefined} what to show: the offer
 *   (no `answered`), the thanks after a discharge survey (`answered`), or nothing.
 */
export function surveyOffer({ episodes, responses, today, dateOf }) {
  const dayOf = (value) => (value.length <= 10 ? value : dateOf(value));
  const latest = [...responses].filter((r) => r.authored).sort((a, b) => b.authored.localeCompare(a.authored));
  const discharge = lastDischarge(episodes);
  if (discharge) {
    const answered = latest.find((r) => dayOf(r.authored) >= dayOf(discharge.period.start));
    return { reason: 'discharge', episode: discharge, answered };
  }
  const inTreatment = episodes.filter((e) => e.status === 'active' && e.period?.start && daysBetween(dayOf(e.period.start), today) >= SURVEY_INTERVAL_DAYS)
    .sort((a, b) => dayOf(a.period.start).localeCompare(dayOf(b.period.start)))[0];
  if (!inTreatment) return undefined;
  const recent = latest.find((r) => daysBetween(dayOf(r.authored), today) < SURVEY_INTERVAL_DAYS);
  return recent ? undefined : { reason: 'interval', episode: inTreatment };
}
