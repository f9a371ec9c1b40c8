/**
 * The portal's "Your privacy" section: the patient's consents to share their 42 CFR Part 2 records (and revoking
 * them) and the accounting of who has received those records. Names are resolved once for both lists.
 */
import { h } from '../shared/elements.js';
import { showConsents } from './consents-view.js';
import { showDisclosures } from './disclosures-view.js';
import { createNameResolver } from './recipient-names.js';

/** @returns {HTMLElement} the section; its lists load on their own */
export function renderPrivacySection(client) {
  const resolveName = createNameResolver(client);
  const consents = h('div', { id: 'consents' });
  const disclosures = h('div', { id: 'disclosures' });
  const consentsHeading = h('h3', { id: 'consents-heading', tabindex: '-1' }, 'My consents');
  // Only the patient signs, so only the patient revokes; a family member signed in sees the consents read-only.
  const canRevoke = client.user?.fhirUser === `Patient/${client.patient.id}`;
  const refresh = async () => {
    await Promise.all([
      showConsents({ client, target: consents, resolveName, canRevoke, afterRevokeAttempt }),
      showDisclosures({ client, target: disclosures, resolveName }),
    ]);
  };
  // The revoke button is gone once the list reloads: focus goes back to the list's heading.
  const afterRevokeAttempt = () => refresh().then(() => consentsHeading.focus());
  const section = h('section', { class: 'card', id: 'privacy', 'aria-labelledby': 'privacy-heading' },
    h('h2', { id: 'privacy-heading' }, 'Your privacy'),
    h('p', null, 'Records of substance use disorder treatment are protected by a federal law (42 CFR Part 2). '
      + 'Your program shares them with someone outside the program only with your written consent, or in a medical emergency.'),
    h('section', { 'aria-labelledby': 'consents-heading' }, consentsHeading,
      h('p', { class: 'hint' }, 'Who may receive your records, and for what.'), consents),
    h('section', { 'aria-labelledby': 'disclosures-heading' }, h('h3', { id: 'disclosures-heading' }, 'Who has seen my records'),
      h('p', { class: 'hint' }, 'Every time your protected records were shared outside your program.'), disclosures));
  refresh();
  return section;
}
