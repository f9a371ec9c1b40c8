/**
 * The names behind the references a consent or a disclosure holds (Organization/123 → "Prairie Health Plan"): each
 * read once per page, and when a resource cannot be read (gone, or out of the patient's reach) the display the
 * consent gave, else a description of who it is — never the raw reference.
 */
import { codingLabel, formatName } from '../shared/fhir-format.js';
import { fhirRequest } from '../shared/fhir-requests.js';
import { unnamedRecipient } from './privacy-words.js';

const READABLE = /^(Organization|Practitioner|PractitionerRole|RelatedPerson|Patient|HealthcareService|CareTeam)\/[A-Za-z0-9\-.]{1,64}$/;

function nameOf(resource) {
  switch (resource.resourceType) {
    case 'Practitioner':
    case 'Patient':
      return formatName(resource.name);
    case 'RelatedPerson': {
      const relationship = resource.relationship?.[0] ? codingLabel(resource.relationship[0]) : '';
      const name = formatName(resource.name);
      return name && relationship ? `${name} (${relationship.toLowerCase()})` : name;
    }
    case 'PractitionerRole':
      return [resource.practitioner?.display, resource.organization?.display].filter(Boolean).join(', ');
    default:
      return resource.name ?? '';
  }
}

export function createNameResolver(client) {
  const cache = new Map();
  /**
   * @param {string} reference e.g. "Organization/123"
   * @param {string} [display] the display the referring resource gave, for when the resource cannot be read
   * @returns {Promise<string>}
   */
  return async function resolveName(reference, display) {
    if (!READABLE.test(reference ?? '')) return display || unnamedRecipient(reference);
    if (!cache.has(reference)) {
      cache.set(reference, fhirRequest(client, reference).then(nameOf, () => ''));
    }
    return (await cache.get(reference)) || display || unnamedRecipient(reference);
  };
}
