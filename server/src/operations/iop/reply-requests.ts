/**
 * "Please reply" (CommunicationRequest) is answered by a reply in its thread: when the person asked to write (the
 * request's `sender`) posts a message in the thread of the message the request is `about`, the server completes the
 * active request, in the same transaction (docs/engagement.md).
 */
import type { Communication, CommunicationRequest } from '@medplum/fhirtypes';
import type { FhirContext } from '../../fhir/types';
import { idOf, readResource, searchAll } from './read-resources';
import { commitWrites, WriteSet } from './write-transaction';

/** The first message of the thread `message` belongs to (its own id when it starts one). */
export function threadRootOf(message: Communication): string {
  return idOf(message.inResponseTo?.[0], 'Communication') ?? message.id!;
}

export async function completeAnsweredRequests(ctx: FhirContext, message: Communication): Promise<number> {
  const author = message.sender?.reference;
  const subject = message.subject?.reference;
  if (!author || !subject) return 0;
  const root = threadRootOf(message);
  const open = await searchAll<CommunicationRequest>(ctx, 'CommunicationRequest', { subject, sender: author, status: 'active' });
  const writes = new WriteSet();
  for (const request of open) {
    const aboutIds = (request.about ?? []).map((r) => idOf(r, 'Communication')).filter((id): id is string => !!id && id !== message.id);
    for (const id of aboutIds) {
      const about = await readResource<Communication>(ctx, 'Communication', id);
      if (threadRootOf(about) !== root) continue;
      writes.update({ ...request, status: 'completed' });
      break;
    }
  }
  await commitWrites(ctx, writes);
  return writes.size;
}
