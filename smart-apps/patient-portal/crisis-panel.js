/**
 * The 988 Suicide & Crisis Lifeline panel, shown where the patient is answering: right under PHQ-9 item 9 the moment
 * it is answered above "Not at all", and in place of the check-in once it is sent. Calling and texting are one tap on a
 * phone (tel:/sms: links); the chat and 911 are there too.
 */
import { h } from '../shared/elements.js';

/** @param {{ afterSubmit: boolean }} options afterSubmit: the care team has been alerted (else: will be, on submit) */
export function renderCrisisPanel({ afterSubmit }) {
  return h('div', { class: 'crisis', role: 'alert', 'data-crisis': afterSubmit ? 'sent' : 'answering' },
    h('h3', null, 'If you are thinking about hurting yourself, help is available now'),
    h('p', null, 'The 988 Suicide & Crisis Lifeline is free, confidential and open 24/7.'),
    h('ul', { class: 'crisis-actions list-plain' },
      h('li', null, h('a', { class: 'button crisis-call', href: 'tel:988' }, 'Call 988')),
      h('li', null, h('a', { class: 'button crisis-call', href: 'sms:988' }, 'Text 988')),
      h('li', null, h('a', { class: 'button secondary', href: 'https://988lifeline.org/chat/', target: '_blank', rel: 'noopener' }, 'Chat at 988lifeline.org'))),
    h('p', null, 'If you are in immediate danger, ', h('a', { href: 'tel:911' }, 'call 911'), ' or go to the nearest emergency room.'),
    h('p', null, afterSubmit
      ? 'Your care team has been alerted and will reach out to you today.'
      : 'When you submit this check-in, your care team is alerted so they can reach out to you today.'));
}
