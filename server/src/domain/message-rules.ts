/**
 * The rules a secure message (Communication) or a "please reply" request (CommunicationRequest) must follow, as
 * pure functions over plain data (docs/engagement.md, "Secure messaging"): who may write to whom within a patient's
 * care team, how threads link, how large an attachment may be, and that a sent message changes afterwards only by
 * read receipts, each added by its own reader. Each returns the problems found; none means the message may be kept.
 */

/**
 * Largest attachment (decoded `data`, or the stated `size`) a message may carry: 512 KiB, a photo of a form or a
 * short PDF. (Validation already refuses any base64Binary over 1 MiB of text; larger documents belong in a
 * DocumentReference.)
 */
export const MAX_ATTACHMENT_BYTES = 512 * 1024;
export const READ_RECEIPT_URL = 'http://iop-fhir.org/fhir/StructureDefinition/read-receipt';

export type RuleStatus = 403 | 413 | 422;
export interface RuleProblem {
  status: RuleStatus;
  message: string;
  expression?: string;
}

export interface MessageParties {
  subject?: string;
  /** Communication.sender, or CommunicationRequest.requester (who asks). */
  author?: string;
  /** Everyone else the message names: recipients (and a request's expected sender). */
  addressees: string[];
  /** The signed-in user who wrote it (their FHIR resource), when a person did. */
  writer?: string;
}

export interface TeamView {
  reference: string;
  subject?: string;
  status?: string;
  /** Participant references (Patient/…, Practitioner/…, RelatedPerson/…). */
  members: string[];
}

const PERSON_TYPES = ['Patient', 'RelatedPerson'];
const typeOf = (reference: string) => reference.split('/')[0];

/** Who may write to whom: everyone on the team of the message's patient, patients and proxies only to staff. */
export function checkParties(parties: MessageParties, team: TeamView | undefined, authorField: string): RuleProblem[] {
  const problems: RuleProblem[] = [];
  if (!parties.subject?.startsWith('Patient/')) return [{ status: 422, message: 'A message must have the patient it is about as subject (Patient/…)', expression: 'subject' }];
  if (!parties.author) return [{ status: 422, message: `A message must name who wrote it (${authorField})`, expression: authorField }];
  if (parties.addressees.length === 0) return [{ status: 422, message: 'A message must name at least one recipient', expression: 'recipient' }];
  if (!team) return [{ status: 422, message: `A message must name the patient's CareTeam in about (CareTeam/…)`, expression: 'about' }];
  if (team.subject !== parties.subject) return [{ status: 422, message: `${team.reference} is not the care team of ${parties.subject}`, expression: 'about' }];
  if (team.status !== 'active' && team.status !== 'suspended') {
    return [{ status: 422, message: `${team.reference} is ${team.status ?? 'not active'}: the enrolment it belongs to has ended`, expression: 'about' }];
  }
  if (parties.writer && parties.writer !== parties.author) {
    problems.push({ status: 403, message: `You are signed in as ${parties.writer} and may not write as ${parties.author}`, expression: authorField });
  }
  if (!team.members.includes(parties.author)) {
    problems.push({ status: 403, message: `${parties.author} is not a member of ${team.reference}, the care team of ${parties.subject}`, expression: authorField });
  }
  const fromPatientSide = PERSON_TYPES.includes(typeOf(parties.author));
  for (const addressee of parties.addressees) {
    if (addressee === parties.author) problems.push({ status: 422, message: `${addressee} cannot be both the author and a recipient`, expression: 'recipient' });
    else if (!team.members.includes(addressee)) {
      problems.push({ status: 403, message: `${addressee} is not a member of the care team of ${parties.subject}: messages go only to the patient's care team`, expression: 'recipient' });
    } else if (fromPatientSide && typeOf(addressee) !== 'Practitioner' && typeOf(addressee) !== 'PractitionerRole' && typeOf(addressee) !== 'CareTeam') {
      problems.push({ status: 403, message: `A patient or their family member writes to the care team's staff, not to ${addressee}`, expression: 'recipient' });
    }
  }
  return problems;
}

export interface ThreadParent {
  reference: string;
  subject?: string;
  inResponseTo?: string;
  found: boolean;
}

/** A reply answers the first message of its thread (Communication.inResponseTo), about the same patient. */
export function checkThread(subject: string | undefined, parents: ThreadParent[]): RuleProblem[] {
  if (parents.length > 1) return [{ status: 422, message: 'A reply answers one message (inResponseTo: the first message of the thread)', expression: 'inResponseTo' }];
  const [parent] = parents;
  if (!parent) return [];
  if (!parent.found) return [{ status: 422, message: `${parent.reference} is not a message you can reply to`, expression: 'inResponseTo' }];
  if (parent.subject !== subject) return [{ status: 422, message: `${parent.reference} is about another patient`, expression: 'inResponseTo' }];
  if (parent.inResponseTo) {
    return [{ status: 422, message: `Reply to the first message of the thread (${parent.inResponseTo}), not to ${parent.reference}`, expression: 'inResponseTo' }];
  }
  return [];
}

export interface AttachmentView {
  contentType?: string;
  data?: string;
  size?: number;
  title?: string;
}

/** Each attachment states its type and stays within MAX_ATTACHMENT_BYTES. */
export function checkAttachments(attachments: AttachmentView[]): RuleProblem[] {
  const problems: RuleProblem[] = [];
  attachments.forEach((attachment, i) => {
    const name = attachment.title ? `"${attachment.title}"` : `attachment ${i + 1}`;
    if (!attachment.contentType) problems.push({ status: 422, message: `${name} must state its contentType`, expression: `payload[${i}].contentAttachment.contentType` });
    const bytes = Math.max(attachment.size ?? 0, attachment.data ? decodedLength(attachment.data) : 0);
    if (bytes > MAX_ATTACHMENT_BYTES) {
      problems.push({ status: 413, message: `${name} is ${bytes} bytes; an attachment may be at most ${MAX_ATTACHMENT_BYTES} bytes (512 KiB)`, expression: `payload[${i}].contentAttachment` });
    }
  });
  return problems;
}

function decodedLength(base64: string): number {
  const clean = base64.replace(/\s+/g, '');
  const padding = clean.endsWith('==') ? 2 : clean.endsWith('=') ? 1 : 0;
  return Math.floor((clean.length * 3) / 4) - padding;
}

export interface ReadReceipt {
  reader: string;
  readAt?: string;
}

/**
 * A person changing a stored message: the content must be as it was (`contentBefore`/`contentAfter`: the message
 * without meta and read receipts, serialised), and the receipts added or changed must be the writer's own, who must
 * be a recipient.
 */
export function checkMessageChange(input: {
  writer: string; recipients: string[]; contentBefore: string; contentAfter: string; receiptsBefore: ReadReceipt[]; receiptsAfter: ReadReceipt[];
}): RuleProblem[] {
  if (input.contentBefore !== input.contentAfter) return [{ status: 422, message: 'A sent message cannot be changed; only read receipts may be added' }];
  const key = (r: ReadReceipt) => `${r.reader}|${r.readAt ?? ''}`;
  const before = new Set(input.receiptsBefore.map(key));
  const after = new Set(input.receiptsAfter.map(key));
  const changed = [...input.receiptsAfter.filter((r) => !before.has(key(r))), ...input.receiptsBefore.filter((r) => !after.has(key(r)))];
  const others = changed.filter((r) => r.reader !== input.writer);
  if (others.length > 0) return [{ status: 403, message: `You may add only your own read receipt, not one for ${others[0].reader}`, expression: 'extension' }];
  if (changed.length > 0 && !input.recipients.includes(input.writer)) return [{ status: 403, message: `${input.writer} is not a recipient of this message`, expression: 'extension' }];
  return [];
}
