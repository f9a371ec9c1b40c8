/**
 * R4 rules on ids, the JSON form, base64Binary, narrative and Bundles, as the server's validator (validateFully)
 * applies them: each failure is a 400 with one issue per problem at its FHIRPath location.
 *   datatypes.html#id — `[A-Za-z0-9\-\.]{1,64}` for resource ids (root, contained, Bundle entries)
 *   json.html — no null values (except aligned primitive-extension arrays), no empty objects, arrays or strings
 *   datatypes.html#base64Binary — regex `(\s*([0-9a-zA-Z\+\=]){4}\s*)+`: whitespace between groups of four
 *   narrative.html, txt-1, txt-2 — well-formed XHTML of the allowed subset, some non-whitespace content
 *   bundle.html — entry.fullUrl is absolute (URL, urn:uuid:, urn:oid:); each link relation once (http.html#paging)
 */
import type { OperationOutcomeIssue, Resource } from '@medplum/fhirtypes';
import { loadConformance } from '../../server/src/conformance/load-conformance';
import { loadFhirDefinitions } from '../../server/src/fhir/definitions';
import { checkNarrativeXhtml } from '../../server/src/validation/check-narrative';
import { validateFully } from '../../server/src/validation/validate-resource';

beforeAll(() => {
  loadFhirDefinitions();
  loadConformance();
});

const asResource = (value: object) => value as unknown as Resource;
const where = (issues: OperationOutcomeIssue[]) => issues.filter((i) => i.severity === 'error').map((i) => i.expression?.[0]).sort();
const XHTML = 'xmlns="http://www.w3.org/1999/xhtml"';
const div = (inner: string) => `<div ${XHTML}>${inner}</div>`;
const patientWithNarrative = (html: string) => asResource({ resourceType: 'Patient', text: { status: 'generated', div: html } });

describe('datatypes.html#id: resource ids match [A-Za-z0-9\\-\\.]{1,64}', () => {
  test.each(['example', 'a.b-1', 'x'.repeat(64), 'f4c7e1f8-0c57-4c6e-9f53-2b1e0d7e9a11'])('%s is accepted', (id) => {
    expect(validateFully(asResource({ resourceType: 'Patient', id })).issues).toEqual([]);
  });

  test.each(['a b', 'p_1', 'x'.repeat(65), 'ü', 'a/b'])('%j is a 400 at Patient.id', (id) => {
    const report = validateFully(asResource({ resourceType: 'Patient', id }));
    expect(report.failureStatus).toBe(400);
    expect(where(report.issues)).toEqual(['Patient.id']);
  });

  test('contained and Bundle entry resources are held to the same rule', () => {
    const observation = validateFully(asResource({
      resourceType: 'Observation', status: 'final', code: { text: 'x' }, subject: { reference: '#p_1' },
      contained: [{ resourceType: 'Patient', id: 'p_1' }],
    }));
    expect(observation.failureStatus).toBe(400);
    expect(where(observation.issues)).toEqual(['Observation.contained[0].id']);
    const bundle = validateFully(asResource({ resourceType: 'Bundle', type: 'collection', entry: [{ fullUrl: 'urn:uuid:f4c7e1f8-0c57-4c6e-9f53-2b1e0d7e9a11', resource: { resourceType: 'Patient', id: 'has space' } }] }));
    expect(where(bundle.issues)).toEqual(['Bundle.entry[0].resource.id']);
  });
});

describe('json.html: no null, no empty objects, arrays or strings', () => {
  test.each([
    ['an empty array', { name: [] }, 'Patient.name'],
    ['an empty extension array', { extension: [] }, 'Patient.extension'],
    ['an empty object', { meta: {} }, 'Patient.meta'],
    ['an empty nested object', { name: [{ family: 'Reyes', period: {} }] }, 'Patient.name[0].period'],
    ['an empty primitive extension object', { birthDate: '1990-01-01', _birthDate: {} }, 'Patient._birthDate'],
    ['an empty string', { name: [{ family: '' }] }, 'Patient.name[0].family'],
    ['a null value', { gender: null }, 'Patient.gender'],
    ['an empty array in a contained resource', { contained: [{ resourceType: 'Patient', id: 'c', name: [] }] }, 'Patient.contained[0].name'],
  ])('%s is a 400 with one issue at its path', (_name, content, path) => {
    const report = validateFully(asResource({ resourceType: 'Patient', ...content }));
    expect(report.failureStatus).toBe(400);
    expect(where(report.issues)).toEqual([path]);
  });

  test('null is allowed where R4 allows it: aligning a primitive array with its extensions', () => {
    const report = validateFully(asResource({
      resourceType: 'Patient',
      name: [{ given: ['Ana', 'María'], _given: [null, { extension: [{ url: 'http://hl7.org/fhir/StructureDefinition/iso21090-EN-qualifier', valueCode: 'CL' }] }] }],
    }));
    expect(report.failureStatus).toBeUndefined();
  });

  test('several problems: one issue each', () => {
    const report = validateFully(asResource({ resourceType: 'Patient', id: 'a b', name: [], telecom: [{ system: 'phone', value: '' }], meta: {} }));
    expect(where(report.issues)).toEqual(['Patient.id', 'Patient.meta', 'Patient.name', 'Patient.telecom[0].value']);
  });
});

describe('datatypes.html#base64Binary: whitespace between groups of four is allowed', () => {
  const binary = (data: string) => asResource({ resourceType: 'Binary', contentType: 'text/plain', data });
  const line = 'SGVsbG8gd29ybGQsIHRoaXMgaXMgYSBsaW5lIG9mIGJhc2U2NCB0aGF0IGlzIDc2IGNoYXJhY3Rl';

  test.each([
    ['no whitespace', 'SGVsbG8gd29ybGQ='],
    ['MIME line breaks (76 characters a line)', `${line}\r\n${line}\nSGVsbG8=`],
    ['spaces between groups, and around', ' SGVs bG8g d29y bGQ= '],
  ])('%s is accepted', (_name, data) => {
    expect(validateFully(binary(data)).failureStatus).toBeUndefined();
  });

  test.each([
    ['whitespace inside a group of four', 'SGV sbG8='],
    ['a character outside the alphabet', 'SGVs*bG8='],
    ['a length that is not a multiple of four', 'SGVsbG8'],
    ['padding in the middle', 'SG==bG8g'],
  ])('%s is a 400', (_name, data) => {
    const report = validateFully(binary(data));
    expect(report.failureStatus).toBe(400);
    expect(where(report.issues)).toEqual(['Binary.data']);
  });
});

describe('narrative.html (txt-1, txt-2): well-formed XHTML of the allowed subset', () => {
  test('a generated narrative like those of the R4 examples is accepted', () => {
    const html = div(`<p><b>Generated Narrative with Details</b></p><p><b>id</b>: example</p>
      <table class="grid"><thead><tr><th>Use</th><th>Name</th></tr></thead><tbody><tr><td>official</td><td>Peter James <b>CHALMERS</b> (&quot;Jim&quot;)</td></tr></tbody></table>
      <p>Blood pressure systolic &amp; diastolic &#174; &#x2014; <a href="Patient/example">Patient</a> <span style="color: red">low</span></p>
      <img src="#photo" alt="photo"/><br/><!-- comment --><ul><li>one</li></ul>`);
    expect(checkNarrativeXhtml(html)).toEqual([]);
    expect(validateFully(patientWithNarrative(html)).issues).toEqual([]);
  });

  test.each([
    ['an entity XML does not define (&reg;)', div('Registered&reg;'), /Entity &reg; is not defined/],
    ['&nbsp;', div('a&nbsp;b'), /Entity &nbsp; is not defined/],
    ['a bare ampersand', div('Fish & chips'), /must be written &amp;/],
    ['a script element', div('<script>alert(1)</script>'), /Element <script> is not allowed/],
    ['an event attribute', div('<p onclick="steal()">x</p>'), /Attribute onclick is not allowed on <p>/],
    ['a javascript: link', div('<a href="javascript:steal()">x</a>'), /Active content in href/],
    ['an element outside the list (iframe)', div('<iframe title="x">y</iframe>'), /Element <iframe> is not allowed/],
    ['a form', div('<form><input/></form>'), /Element <form> is not allowed/],
    ['an unclosed element', div('<p>x'), /does not match the open element|is not closed/],
    ['a mismatched end tag', div('<b><i>x</b></i>'), /End tag <\/b> does not match/],
    ['an unquoted attribute', div('<p class=x>y</p>'), /Malformed start tag/],
    ['the root without the XHTML namespace', '<div>x</div>', /root element must be a div in the XHTML namespace/],
    ['a root other than div', `<p ${XHTML}>x</p>`, /root element must be a div/],
    ['two root elements', `${div('a')}${div('b')}`, /one root div/],
    ['only whitespace', div('  <br/> '), /no non-whitespace content \(txt-2\)/],
  ])('%s is a 400 at text.div', (_name, html, message) => {
    const report = validateFully(patientWithNarrative(html));
    expect(report.failureStatus).toBe(400);
    expect(where(report.issues)).toEqual(['Patient.text.div']);
    expect(report.issues[0].details?.text).toMatch(message);
  });

  test('narratives of contained resources and of Composition sections are checked too', () => {
    const report = validateFully(asResource({
      resourceType: 'Composition', status: 'final', type: { text: 'note' }, date: '2024-01-01', author: [{ display: 'x' }], title: 't',
      section: [{ title: 's', text: { status: 'generated', div: div('<script>x</script>') } }],
      contained: [{ resourceType: 'Patient', id: 'p', text: { status: 'generated', div: div('&copy;') } }],
    }));
    expect(where(report.issues)).toEqual(['Composition.contained[0].text.div', 'Composition.section[0].text.div']);
  });
});

describe('bundle.html: absolute fullUrl, one link per relation', () => {
  const entry = (fullUrl: string) => ({ fullUrl, resource: { resourceType: 'Patient' } });

  test('URLs, urn:uuid: and urn:oid: fullUrls are accepted (as in the R4 bundle examples)', () => {
    const bundle = asResource({
      resourceType: 'Bundle', type: 'searchset',
      link: [{ relation: 'self', url: 'https://example.com/base/MedicationRequest?patient=347' }, { relation: 'next', url: 'https://example.com/base/MedicationRequest?patient=347&page=2' }],
      entry: [entry('https://example.com/base/Patient/3123'), entry('urn:uuid:f4c7e1f8-0c57-4c6e-9f53-2b1e0d7e9a11'), entry('urn:oid:1.2.3.4.5')],
    });
    expect(validateFully(bundle).issues).toEqual([]);
  });

  test.each(['Patient/3123', '/Patient/3123', 'urn:uuid:', 'urn:other:1', 'example.com/Patient/1'])('fullUrl %j is a 400', (fullUrl) => {
    const report = validateFully(asResource({ resourceType: 'Bundle', type: 'collection', entry: [entry(fullUrl)] }));
    expect(report.failureStatus).toBe(400);
    expect(where(report.issues)).toEqual(['Bundle.entry[0].fullUrl']);
  });

  test.each(['urn:uuid:not-a-uuid', 'urn:oid:abc'])('fullUrl %j is absolute but malformed: a warning', (fullUrl) => {
    const report = validateFully(asResource({ resourceType: 'Bundle', type: 'collection', entry: [entry(fullUrl)] }));
    expect(report.failureStatus).toBeUndefined();
    expect(report.issues).toEqual([expect.objectContaining({ severity: 'warning', expression: ['Bundle.entry[0].fullUrl'] })]);
  });

  test('a link relation that occurs twice is a 400 at the second one (Bundle.link and entry.link)', () => {
    const report = validateFully(asResource({
      resourceType: 'Bundle', type: 'searchset',
      link: [{ relation: 'self', url: 'http://a/1' }, { relation: 'next', url: 'http://a/2' }, { relation: 'self', url: 'http://a/3' }],
      entry: [{ ...entry('http://a/Patient/1'), link: [{ relation: 'alternate', url: 'http://b/1' }, { relation: 'alternate', url: 'http://b/2' }] }],
    }));
    expect(report.failureStatus).toBe(400);
    expect(where(report.issues)).toEqual(['Bundle.entry[0].link[1].relation', 'Bundle.link[2].relation']);
  });
});
