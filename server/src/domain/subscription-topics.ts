/**
 * The subscription topics this server publishes (Subscriptions R5 Backport IG on R4): for each topic, the resource
 * type it watches, when a written version triggers it (judged on the previous and the new version, pure), and the
 * search parameters a subscriber may filter on. Adding a topic is adding an entry here.
 */
import type { EpisodeOfCare, Extension, Resource } from '@medplum/fhirtypes';

export const TOPIC_BASE = 'http://iop-fhir.org/fhir/SubscriptionTopic';

export interface SubscriptionTopicDefinition {
  url: string;
  title: string;
  description: string;
  resourceType: string;
  /** Search parameters of `resourceType` allowed in the backport-filter-criteria (besides `_id`). */
  filterParameters: string[];
  /** `previous`: the version before (absent on create); `current`: the new one (absent when deleted). */
  triggers(previous: Resource | undefined, current: Resource | undefined): boolean;
}

const LEVEL_OF_CARE = 'http://iop-fhir.org/fhir/StructureDefinition/level-of-care';
const RISK_EVIDENCE = 'http://iop-fhir.org/fhir/StructureDefinition/risk-evidence';

type WithStatus = Resource & { status?: string };
const statusOf = (r: Resource | undefined) => (r as WithStatus | undefined)?.status;
const extensionValue = (r: Resource | undefined, url: string) =>
  JSON.stringify(((r as { extension?: Extension[] } | undefined)?.extension ?? []).filter((e) => e.url === url));
/** The status became `status` with this version (a create in that status counts). */
const became = (status: string) => (previous: Resource | undefined, current: Resource | undefined) =>
  current !== undefined && statusOf(current) === status && statusOf(previous) !== status;

export const SUBSCRIPTION_TOPICS: readonly SubscriptionTopicDefinition[] = [
  {
    url: `${TOPIC_BASE}/episode-status`,
    title: 'Program enrollment changes (admission, step-down/up, discharge)',
    description: 'An EpisodeOfCare is created, changes status or level of care, or ends (period.end set).',
    resourceType: 'EpisodeOfCare',
    filterParameters: ['patient', 'status', 'organization', 'type', 'program', 'level-of-care'],
    triggers(previous, current) {
      if (!current) return false;
      if (!previous) return true;
      const before = previous as EpisodeOfCare;
      const after = current as EpisodeOfCare;
      return before.status !== after.status || extensionValue(before, LEVEL_OF_CARE) !== extensionValue(after, LEVEL_OF_CARE)
        || (before.period?.end ?? null) !== (after.period?.end ?? null);
    },
  },
  {
    url: `${TOPIC_BASE}/encounter-finished`,
    title: 'Encounter finished',
    description: 'An Encounter reaches status finished (attended session, visit).',
    resourceType: 'Encounter',
    filterParameters: ['patient', 'subject', 'class', 'type', 'episode-of-care', 'program', 'part-of'],
    triggers: became('finished'),
  },
  {
    url: `${TOPIC_BASE}/claim-active`,
    title: 'Claim ready (active)',
    description: 'A Claim is created active or becomes active.',
    resourceType: 'Claim',
    filterParameters: ['patient', 'insurer', 'provider', 'use'],
    triggers: became('active'),
  },
  {
    url: `${TOPIC_BASE}/risk-flag`,
    title: 'Risk flag raised',
    description: 'A risk Flag (with risk evidence: PHQ-9 item 9, GAD-7, a message) is raised (becomes active).',
    resourceType: 'Flag',
    filterParameters: ['patient', 'subject', 'encounter', 'enrollment'],
    triggers: (previous, current) => became('active')(previous, current) && extensionValue(current, RISK_EVIDENCE) !== '[]',
  },
  {
    url: `${TOPIC_BASE}/questionnaire-response-completed`,
    title: 'Questionnaire response completed',
    description: 'A QuestionnaireResponse is created completed or becomes completed.',
    resourceType: 'QuestionnaireResponse',
    filterParameters: ['patient', 'subject', 'questionnaire', 'author', 'encounter'],
    triggers: became('completed'),
  },
];

export function findTopic(url: string): SubscriptionTopicDefinition | undefined {
  return SUBSCRIPTION_TOPICS.find((t) => t.url === url);
}

/** The topics watching this resource type. */
export function topicsFor(resourceType: string): SubscriptionTopicDefinition[] {
  return SUBSCRIPTION_TOPICS.filter((t) => t.resourceType === resourceType);
}
