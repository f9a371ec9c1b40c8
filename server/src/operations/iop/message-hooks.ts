/**
 * The server's rules for secure messages (docs/engagement.md), as write hooks on Communication and
 * CommunicationRequest: a refused message rolls back with a 4xx OperationOutcome and nothing is written. A message
 * names its patient (subject) and that patient's CareTeam (about); its author and every recipient must be on that
 * team, a patient or family member writes only to staff, a signed-in person writes only as themselves, a clinician
 * only about patients they can reach; replies answer the first message of their thread; attachments have a size
 * limit; psychotherapy notes never travel as messages. After the first write, a person may only add their own read
 * receipt. A new message from the patient's side that mentions self-harm raises the risk workflow; a reply in a
 * thread completes the "please reply" request it answers (reply-requests.ts).
 */
import type { CareTeam, Communication, CommunicationRequest, Reference, Resource } from '@medplum/fhirtypes';
import {
  checkAttachments, checkMessageChange, checkParties, checkThread, READ_RECEIPT_URL, type MessageParties, type ReadReceipt, type RuleProblem,
  type TeamView, type ThreadParent,
} from '../../domain/message-rules';
import { systemAccess } from '../../auth/access-context';
import { FhirError, issue, outcome } from '../../errors';
import type { FhirContext } from '../../fhir/types';
import type { WriteHook } from '../../fhir/write-hooks';
import type { Repository, StoredVersion } from '../../store/repository';
import { asServer, asWriter, writingPerson } from './hook-context';
import { escalateSelfHarmMention } from './message-escalation';
import { readResource } from './read-resources';
import { completeAnsweredRequests } from './reply-requests';

const PSYCHOTHERAPY_NOTE = 'PSYTHPN';
/** Work the server does itself (systemAccess()): its principal and its policy object, which no token's policy is. */
const SERVER = systemAccess();
const isServerItself = (request: FhirContext) => request.access?.principal.clientId === SERVER.principal.clientId && request.access?.policy === SERVER.policy;
type Message = Communication | CommunicationRequest;

export const communicationRulesHook: WriteHook = {
  name: 'iop-message-rules',
  resourceType: 'Communication',
  afterWrite: (tx, written, request) => enforceMessageRules(tx, written, request),
};

export const communicationRequestRulesHook: WriteHook = {
  name: 'iop-message-request-rules',
  resourceType: 'CommunicationRequest',
  afterWrite: (tx, written, request) => enforceMessageRules(tx, written, request),
};

async function enforceMessageRules(tx: Repository, written: StoredVersion, request: FhirContext | undefined): Promise<void> {
  if (!request || written.deleted) return;
  const message = written.resource as Message;
  const server = asServer(tx, request);
  const writer = writingPerson(request);
  if (written.versionId > 1 && writer) {
    const previous = await tx.readVersion(written.resourceType, written.id, written.versionId - 1);
    if (previous && !previous.deleted) return refuseIf(checkChange(previous.resource as Message, message, writer));
  }
  // The server's own follow-up writes (completing an answered request) are not judged again: the team may have
  // changed since the message was sent, and that must not block the reply that completes it.
  if (written.versionId > 1 && isServerItself(request)) return;
  const team = await loadTeam(server, message.about);
  const problems: RuleProblem[] = [...checkLabels(message), ...checkParties(partiesOf(message, writer), team, authorField(message))];
  if (message.resourceType === 'Communication') {
    problems.push(...checkThread(message.subject?.reference, await loadParents(server, message.inResponseTo)));
    problems.push(...checkAttachments((message.payload ?? []).flatMap((p) => (p.contentAttachment ? [p.contentAttachment] : []))));
    problems.push(...await checkReferencedNotes(server, message));
  }
  if (writer?.startsWith('Practitioner/') && message.subject?.reference && !(await canReach(asWriter(tx, request), message.subject.reference))) {
    problems.push({ status: 403, message: `${message.subject.reference} is not among the patients you can reach`, expression: 'subject' });
  }
  refuseIf(problems);
  const author = partiesOf(message, writer).author ?? '';
  if (message.resourceType === 'Communication' && written.versionId === 1 && team && /^(Patient|RelatedPerson)\//.test(author)) {
    await escalateSelfHarmMention(server, message, team.resource);
  }
  if (message.resourceType === 'Communication' && written.versionId === 1) await completeAnsweredRequests(server, message);
}

function refuseIf(problems: RuleProblem[]): void {
  if (problems.length === 0) return;
  const status = ([403, 413, 422] as const).find((s) => problems.some((p) => p.status === s))!;
  const code = status === 403 ? 'forbidden' : status === 413 ? 'too-costly' : 'business-rule';
  throw new FhirError(status, outcome(...problems.map((p) => issue('error', code, p.message, p.expression ? [p.expression] : undefined))));
}

function authorField(message: Message): string {
  return message.resourceType === 'Communication' ? 'sender' : 'requester';
}

function partiesOf(message: Message, writer: string | undefined): MessageParties {
  const refs = (list: (Reference | undefined)[] | undefined) => (list ?? []).map((r) => r?.reference).filter((r): r is string => !!r);
  if (message.resourceType === 'Communication') {
    return { subject: message.subject?.reference, author: message.sender?.reference, addressees: refs(message.recipient), writer };
  }
  // "Please reply": the requester usually asks for the answer to come to themselves, so they may be a recipient.
  const author = message.requester?.reference;
  return { subject: message.subject?.reference, author, addressees: [...refs(message.recipient), ...refs([message.sender])].filter((r) => r !== author), writer };
}

async function loadTeam(ctx: FhirContext, about: Reference[] | undefined): Promise<(TeamView & { resource: CareTeam }) | undefined> {
  const reference = (about ?? []).map((r) => r.reference ?? '').find((r) => /^CareTeam\/[A-Za-z0-9\-.]{1,64}$/.test(r));
  if (!reference) return undefined;
  const team = await readOrUndefined<CareTeam>(ctx, 'CareTeam', reference.split('/')[1]);
  if (!team) return { reference, members: [], resource: { resourceType: 'CareTeam' } };
  const members = (team.participant ?? []).map((p) => p.member?.reference).filter((r): r is string => !!r);
  return { reference, subject: team.subject?.reference, status: team.status, members, resource: team };
}

async function loadParents(ctx: FhirContext, inResponseTo: Reference[] | undefined): Promise<ThreadParent[]> {
  return Promise.all((inResponseTo ?? []).map(async ({ reference = '' }) => {
    const id = /^Communication\/([A-Za-z0-9\-.]{1,64})$/.exec(reference)?.[1];
    const parent = id ? await readOrUndefined<Communication>(ctx, 'Communication', id) : undefined;
    return { reference, found: !!parent, subject: parent?.subject?.reference, inResponseTo: parent?.inResponseTo?.[0]?.reference };
  }));
}

async function readOrUndefined<T extends Resource>(ctx: FhirContext, type: T['resourceType'], id: string): Promise<T | undefined> {
  try {
    return await readResource<T>(ctx, type, id);
  } catch (error) {
    if (error instanceof FhirError && error.status >= 400 && error.status < 500) return undefined;
    throw error;
  }
}

async function canReach(writer: FhirContext, patient: string): Promise<boolean> {
  const id = /^Patient\/([A-Za-z0-9\-.]{1,64})$/.exec(patient)?.[1];
  return !!id && (await readOrUndefined(writer, 'Patient', id)) !== undefined;
}

const isPsychotherapyNote = (resource: Resource | undefined) => (resource?.meta?.security ?? []).some((c) => c.code === PSYCHOTHERAPY_NOTE);

function checkLabels(message: Message): RuleProblem[] {
  return isPsychotherapyNote(message)
    ? [{ status: 422, message: 'Psychotherapy notes are kept apart from the record (IOP Psychotherapy Note), never sent as messages', expression: 'meta.security' }]
    : [];
}

/** A message may not carry a psychotherapy note as a referenced payload. */
async function checkReferencedNotes(ctx: FhirContext, message: Communication): Promise<RuleProblem[]> {
  const problems: RuleProblem[] = [];
  for (const [i, payload] of (message.payload ?? []).entries()) {
    const m = /^([A-Z][A-Za-z]+)\/([A-Za-z0-9\-.]{1,64})$/.exec(payload.contentReference?.reference ?? '');
    if (m && isPsychotherapyNote(await readOrUndefined(ctx, m[1] as Resource['resourceType'], m[2]))) {
      problems.push({ status: 422, message: `${m[0]} is a psychotherapy note and cannot be sent in a message`, expression: `payload[${i}].contentReference` });
    }
  }
  return problems;
}

function checkChange(before: Message, after: Message, writer: string): RuleProblem[] {
  const receipts = (m: Message): ReadReceipt[] => (m.extension ?? []).filter((e) => e.url === READ_RECEIPT_URL).map((e) => ({
    reader: e.extension?.find((x) => x.url === 'reader')?.valueReference?.reference ?? '',
    readAt: e.extension?.find((x) => x.url === 'readAt')?.valueDateTime,
  }));
  const content = (m: Message) => JSON.stringify(sortKeys({ ...m, meta: undefined, extension: (m.extension ?? []).filter((e) => e.url !== READ_RECEIPT_URL) }));
  const recipients = (after.recipient ?? []).map((r) => r.reference ?? '');
  return checkMessageChange({ writer, recipients, contentBefore: content(before), contentAfter: content(after), receiptsBefore: receipts(before), receiptsAfter: receipts(after) });
}

function sortKeys(value: unknown): unknown {
  if (Array.isArray(value)) return value.length === 0 ? undefined : value.map(sortKeys);
  if (value && typeof value === 'object') {
    return Object.fromEntries(Object.keys(value).sort().map((k) => [k, sortKeys((value as Record<string, unknown>)[k])]).filter(([, v]) => v !== undefined));
  }
  return value;
}
