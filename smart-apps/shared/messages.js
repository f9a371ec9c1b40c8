/**
 * Secure messages (Communication) as both apps use them, following the server's rules (docs/engagement.md): a
 * message names its patient (subject) and their CareTeam (about); a thread is its first message and the replies
 * whose inResponseTo points at it; each recipient marks a message read by adding their own read-receipt extension.
 */
import { h } from './elements.js';
import { fhirRequest } from './fhir-requests.js';

export const READ_RECEIPT_URL = 'http://iop-fhir.org/fhir/StructureDefinition/read-receipt';
/** The server refuses larger attachments (413). */
export const MAX_ATTACHMENT_BYTES = 512 * 1024;
/** Communication.priority, most urgent first. */
const PRIORITY_RANK = { stat: 0, asap: 1, urgent: 2, routine: 3 };
export const RISK_TASK_CODE = 'suicide-risk-assessment';

/** The signed-in user as a relative reference (Patient/1, RelatedPerson/2, Practitioner/3). */
export function userReference(client) {
  const fhirUser = client.user?.fhirUser ?? '';
  const match = /([A-Z][A-Za-z]+)\/([A-Za-z0-9\-.]+)$/.exec(fhirUser);
  return match ? `${match[1]}/${match[2]}` : undefined;
}

export const referenceOf = (resource) => `${resource.resourceType}/${resource.id}`;

export function isReadBy(message, reader) {
  return (message.extension ?? []).some((e) => e.url === READ_RECEIPT_URL && e.extension?.some((x) => x.url === 'reader' && x.valueReference?.reference === reader));
}

export function isAddressedTo(message, reader) {
  return (message.recipient ?? []).some((r) => r.reference === reader);
}

export function isUnreadFor(message, reader) {
  return isAddressedTo(message, reader) && !isReadBy(message, reader);
}

export function priorityRank(message) {
  return PRIORITY_RANK[message.priority ?? 'routine'] ?? 3;
}

/** The words of a message: its text payloads. */
export function messageBody(message) {
  return (message.payload ?? []).map((p) => p.contentString).filter(Boolean).join('\n');
}

export function attachmentsOf(message) {
  return (message.payload ?? []).map((p) => p.contentAttachment).filter(Boolean);
}

/** Threads (first message, replies oldest first), the most recently active first. */
export function groupThreads(messages) {
  const byId = new Map(messages.map((m) => [m.id, m]));
  const threads = new Map();
  for (const message of messages) {
    const rootId = message.inResponseTo?.[0]?.reference?.split('/').pop();
    const root = rootId && byId.has(rootId) ? rootId : message.id;
    if (!threads.has(root)) threads.set(root, { root: byId.get(root), messages: [] });
    threads.get(root).messages.push(message);
  }
  const sentOf = (m) => m.sent ?? m.meta?.lastUpdated ?? '';
  return [...threads.values()].map((thread) => {
    thread.messages.sort((a, b) => sentOf(a).localeCompare(sentOf(b)));
    thread.latest = sentOf(thread.messages[thread.messages.length - 1]);
    return thread;
  }).sort((a, b) => b.latest.localeCompare(a.latest));
}

/** Adds the reader's read receipt (once), as the server allows a recipient to. Returns the stored message. */
export async function markRead(client, message, reader, now = new Date()) {
  if (!isUnreadFor(message, reader)) return message;
  const receipt = { url: READ_RECEIPT_URL, extension: [{ url: 'reader', valueReference: { reference: reader } }, { url: 'readAt', valueDateTime: now.toISOString() }] };
  return fhirRequest(client, `Communication/${message.id}`, {
    method: 'PUT', body: { ...message, extension: [...(message.extension ?? []), receipt] }, headers: { 'If-Match': `W/"${message.meta?.versionId}"` },
  });
}

/**
 * Sends a message (or a reply, with `inResponseTo` the thread's first message).
 * @param {{ patientId: string, careTeamId: string, sender: string, recipients: string[], topic?: string, text: string,
 *   inResponseTo?: string, attachment?: { contentType: string, data: string, title: string, size: number }, now?: Date }} message
 */
export function sendMessage(client, message) {
  const payload = [{ contentString: message.text }, ...(message.attachment ? [{ contentAttachment: message.attachment }] : [])];
  return fhirRequest(client, 'Communication', {
    method: 'POST',
    body: {
      resourceType: 'Communication', status: 'completed',
      subject: { reference: `Patient/${message.patientId}` }, about: [{ reference: `CareTeam/${message.careTeamId}` }],
      sender: { reference: message.sender }, recipient: message.recipients.map((reference) => ({ reference })),
      sent: (message.now ?? new Date()).toISOString(),
      ...(message.topic ? { topic: { text: message.topic } } : {}),
      ...(message.inResponseTo ? { inResponseTo: [{ reference: message.inResponseTo }] } : {}),
      payload,
    },
  });
}

/** A chosen file as an attachment (base64), or an error message when it is too large. */
export async function readAttachment(file) {
  if (!file) return {};
  if (file.size > MAX_ATTACHMENT_BYTES) return { error: `${file.name} is larger than 512 KB: attach a smaller file.` };
  const bytes = new Uint8Array(await file.arrayBuffer());
  let binary = '';
  for (const byte of bytes) binary += String.fromCharCode(byte);
  return { attachment: { contentType: file.type || 'application/octet-stream', data: btoa(binary), title: file.name, size: file.size } };
}

/** The CareTeam's members by reference, with their names and roles, from a search that included its participants. */
export function teamMembers(team, included) {
  const byReference = new Map(included.map((r) => [referenceOf(r), r]));
  return (team.participant ?? []).map((p) => ({
    reference: p.member?.reference,
    resource: byReference.get(p.member?.reference),
    roles: (p.role ?? []).map((r) => r.text).filter(Boolean),
  })).filter((m) => m.reference);
}

/** A link that saves an attachment (its base64 data as a file), named by its title and size. */
export function attachmentLink(attachment) {
  const label = `${attachment.title ?? 'Attachment'}${attachment.size ? ` (${Math.max(1, Math.round(attachment.size / 1024))} KB)` : ''}`;
  if (!attachment.data) return h('span', null, label);
  const bytes = Uint8Array.from(atob(attachment.data), (c) => c.charCodeAt(0));
  const href = URL.createObjectURL(new Blob([bytes], { type: attachment.contentType ?? 'application/octet-stream' }));
  return h('a', { href, download: attachment.title ?? 'attachment' }, `Download ${label}`);
}
