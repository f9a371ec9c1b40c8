/**
 * The patient's own context header at the top of the portal — name, age, MRN, program, level of care and active flags,
 * the same header clinicians see (shared/patient-context.js) — in place of the launch's plain patient banner.
 */
import { h, replaceContent } from '../shared/elements.js';
import { fhirRequest } from '../shared/fhir-requests.js';
import { loadPatientContexts, renderPatientContext } from '../shared/patient-context.js';
import { showError } from '../shared/status-messages.js';

/** @returns {HTMLElement} the section, filled once the patient's records are read */
export function renderOwnContext(client) {
  const section = h('section', { class: 'card', id: 'own-context', 'aria-labelledby': 'patient-heading' },
    h('p', { role: 'status' }, 'Loading…'));
  const patientId = client.patient.id;
  Promise.all([fhirRequest(client, `Patient/${patientId}`), loadPatientContexts(client, [patientId])])
    .then(([patient, contexts]) => {
      const { episode, flags } = contexts.get(patientId);
      replaceContent(section, renderPatientContext({ patient, episode, flags, headingId: 'patient-heading' }));
      const banner = document.getElementById('patient-banner');
      if (banner) banner.hidden = true; // the header says it all, and more
    })
    .catch((error) => {
      section.remove();
      showError(error, 'Your details could not be loaded');
    });
  return section;
}
