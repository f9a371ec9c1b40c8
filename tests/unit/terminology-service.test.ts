import type { CodeSystem, ConceptMap, ValueSet } from '@medplum/fhirtypes';
import { CodeSystemIndex } from '../../server/src/terminology/code-system-index';
import type { Expansion } from '../../server/src/terminology/expand-value-set';
import { expansionPage } from '../../server/src/terminology/expansion-page';
import { lookupCode } from '../../server/src/terminology/lookup-code';
import { subsumptionOf } from '../../server/src/terminology/subsumption';
import { terminology, TerminologyStore } from '../../server/src/terminology/terminology-store';
import { translateCode } from '../../server/src/terminology/translate-code';
import { validateInCodeSystem, validateInValueSet } from '../../server/src/terminology/validate-code';

const CS = 'http://example.org/cs/animals';

const animals: CodeSystem = {
  resourceType: 'CodeSystem', url: CS, status: 'active', content: 'complete', version: '2',
  concept: [
    { code: 'animal', display: 'Animal', concept: [
      { code: 'mammal', display: 'Mammal', concept: [{ code: 'dog', display: 'Dog' }, { code: 'cat', display: 'Domestic cat' }] },
      { code: 'bird', display: 'Bird', property: [{ code: 'flies', valueBoolean: true }] },
    ] },
    // Hierarchy by property rather than nesting.
    { code: 'sparrow', display: 'Sparrow', property: [{ code: 'parent', valueCode: 'bird' }, { code: 'flies', valueBoolean: true }] },
    { code: 'dodo', display: 'Dodo', property: [{ code: 'parent', valueCode: 'bird' }, { code: 'status', valueCode: 'retired' }] },
  ],
};

function storeWith(...resources: (CodeSystem | ValueSet | ConceptMap)[]): TerminologyStore {
  const store = new TerminologyStore();
  resources.forEach((r) => store.add(r));
  return store;
}

const valueSet = (url: string, compose: ValueSet['compose']): ValueSet => ({ resourceType: 'ValueSet', url, status: 'active', compose });

function expand(store: TerminologyStore, url: string): Expansion {
  const result = store.expand(url);
  if (!result.ok) throw new Error(result.reason);
  return result.expansion;
}
const codesOf = (expansion: Expansion) => expansion.entries.map((e) => e.code).sort();

describe('ValueSet expansion', () => {
  test('a whole code system includes nested concepts and property-linked ones', () => {
    const store = storeWith(animals, valueSet('urn:vs:all', { include: [{ system: CS }] }));
    expect(codesOf(expand(store, 'urn:vs:all'))).toEqual(['animal', 'bird', 'cat', 'dodo', 'dog', 'mammal', 'sparrow']);
    expect(expand(store, 'urn:vs:all').find(CS, 'dodo')?.inactive).toBe(true);
  });

  test('filters: is-a, descendent-of, is-not-a, in, regex, property =, exists', () => {
    const filtered = (filter: object) => {
      const store = storeWith(animals, valueSet('urn:vs:f', { include: [{ system: CS, filter: [filter as never] }] }));
      return codesOf(expand(store, 'urn:vs:f'));
    };
    expect(filtered({ property: 'concept', op: 'is-a', value: 'bird' })).toEqual(['bird', 'dodo', 'sparrow']);
    expect(filtered({ property: 'concept', op: 'descendent-of', value: 'mammal' })).toEqual(['cat', 'dog']);
    expect(filtered({ property: 'concept', op: 'is-not-a', value: 'animal' })).toEqual([]);
    expect(filtered({ property: 'concept', op: 'in', value: 'dog, cat,zebra' })).toEqual(['cat', 'dog']);
    expect(filtered({ property: 'code', op: 'regex', value: 'd.*' })).toEqual(['dodo', 'dog']);
    expect(filtered({ property: 'flies', op: '=', value: 'true' })).toEqual(['bird', 'sparrow']);
    expect(filtered({ property: 'flies', op: 'exists', value: 'false' })).toEqual(['animal', 'cat', 'dodo', 'dog', 'mammal']);
  });

  test('exclude, imported value sets, and concept lists for systems the server does not hold', () => {
    const store = storeWith(
      animals,
      valueSet('urn:vs:birds', { include: [{ system: CS, filter: [{ property: 'concept', op: 'is-a', value: 'bird' }] }], exclude: [{ system: CS, concept: [{ code: 'dodo' }] }] }),
      valueSet('urn:vs:mixed', { include: [{ valueSet: ['urn:vs:birds'] }, { system: 'http://loinc.org', concept: [{ code: '44261-6', display: 'PHQ-9 total' }] }] }),
    );
    const mixed = expand(store, 'urn:vs:mixed');
    expect(codesOf(mixed)).toEqual(['44261-6', 'bird', 'sparrow']);
    expect(mixed.find('http://loinc.org', '44261-6')?.display).toBe('PHQ-9 total');
    expect(mixed.find(undefined, 'sparrow')?.system).toBe(CS);
    expect(mixed.find('http://other', 'sparrow')).toBeUndefined();
  });

  test('what cannot be expanded says why: unknown system, unknown value set, self-import, unsupported filter', () => {
    const store = storeWith(
      animals,
      valueSet('urn:vs:snomed', { include: [{ system: 'http://snomed.info/sct' }] }),
      valueSet('urn:vs:loop', { include: [{ valueSet: ['urn:vs:loop'] }] }),
      valueSet('urn:vs:gen', { include: [{ system: CS, filter: [{ property: 'concept', op: 'generalizes', value: 'dog' }] }] }),
    );
    expect(store.expand('urn:vs:snomed')).toEqual({ ok: false, reason: 'Code system http://snomed.info/sct is not available on this server' });
    expect(store.expand('urn:vs:nope')).toMatchObject({ ok: false, reason: expect.stringMatching(/not known/) });
    expect(store.expand('urn:vs:loop')).toMatchObject({ ok: false, reason: expect.stringMatching(/imports itself/) });
    expect(store.expand('urn:vs:gen')).toMatchObject({ ok: false, reason: expect.stringMatching(/generalizes is not supported/) });
  });

  test('a fragment code system expands to what is known, marked incomplete; case-insensitive systems match any case', () => {
    const fragment: CodeSystem = { resourceType: 'CodeSystem', url: 'urn:cs:frag', status: 'active', content: 'fragment', caseSensitive: false, concept: [{ code: 'F10.10' }] };
    const store = storeWith(fragment, valueSet('urn:vs:frag', { include: [{ system: 'urn:cs:frag' }] }));
    const expansion = expand(store, 'urn:vs:frag');
    expect(expansion.complete).toBe(false);
    expect(expansion.find('urn:cs:frag', 'f10.10')?.code).toBe('F10.10');
  });

  test('expansions are cached per URL and dropped when content changes', () => {
    const store = storeWith(animals, valueSet('urn:vs:all', { include: [{ system: CS }] }));
    const first = expand(store, 'urn:vs:all');
    expect(expand(store, 'urn:vs:all')).toBe(first);
    store.add({ ...animals, concept: [{ code: 'only' }] });
    expect(codesOf(expand(store, 'urn:vs:all'))).toEqual(['only']);
  });

  test('the R4 core content sits behind ours: a versioned core URL expands; ours overrides by URL', () => {
    const gender = terminology().expand('http://hl7.org/fhir/ValueSet/administrative-gender|4.0.1');
    expect(gender.ok && gender.expansion.entries.map((e) => e.code).sort()).toEqual(['female', 'male', 'other', 'unknown']);
    const layered = new TerminologyStore(terminology());
    layered.add({ resourceType: 'CodeSystem', url: 'http://hl7.org/fhir/administrative-gender', status: 'active', content: 'complete', concept: [{ code: 'x' }] });
    expect(codesOf(expand(layered, 'http://hl7.org/fhir/ValueSet/administrative-gender'))).toEqual(['x']);
  });
});

describe('$expand page', () => {
  const store = storeWith(animals, valueSet('urn:vs:all', { include: [{ system: CS }] }));
  const vs = store.valueSet('urn:vs:all')!;
  const expansion = expand(store, 'urn:vs:all');

  test('filter matches a code prefix or the start of display words (all words)', () => {
    expect(expansionPage(vs, expansion, { filter: 'cat' }).expansion!.contains!.map((c) => c.code)).toEqual(['cat']);
    expect(expansionPage(vs, expansion, { filter: 'dom' }).expansion!.contains!.map((c) => c.code)).toEqual(['cat']);
    expect(expansionPage(vs, expansion, { filter: 'domestic ca' }).expansion!.contains!.map((c) => c.code)).toEqual(['cat']);
    expect(expansionPage(vs, expansion, { filter: 'omestic' }).expansion!.total).toBe(0);
  });

  test('offset/count page through a stable total; activeOnly drops retired codes; compose is not echoed', () => {
    const page = expansionPage(vs, expansion, { offset: 5, count: 5 });
    expect(page.expansion).toMatchObject({ total: 7, offset: 5 });
    expect(page.expansion!.contains).toHaveLength(2);
    expect(page.compose).toBeUndefined();
    expect(expansionPage(vs, expansion, { activeOnly: true }).expansion!.total).toBe(6);
    expect(() => expansionPage(vs, expansion, { count: 100000 })).toThrow(/at most/);
  });
});

describe('lookup, validate-code, subsumes, translate', () => {
  const index = new CodeSystemIndex(animals);

  test('lookup answers display, parents/children and properties; unknown code → 404', () => {
    const result = lookupCode(index, 'bird', []);
    const props = result.parameter!.filter((p) => p.name === 'property').map((p) => [p.part![0].valueCode, p.part![1]]);
    expect(result.parameter).toContainEqual({ name: 'display', valueString: 'Bird' });
    expect(props).toContainEqual(['parent', { name: 'value', valueCode: 'animal' }]);
    expect(props).toContainEqual(['child', { name: 'value', valueCode: 'sparrow' }]);
    expect(props).toContainEqual(['flies', { name: 'value', valueBoolean: true }]);
    expect(() => lookupCode(index, 'unicorn', [])).toThrow(/"unicorn" is not in code system/);
  });

  test('subsumption through nesting and parent properties', () => {
    expect(subsumptionOf(index, 'animal', 'sparrow')).toBe('subsumes');
    expect(subsumptionOf(index, 'dog', 'mammal')).toBe('subsumed-by');
    expect(subsumptionOf(index, 'dog', 'cat')).toBe('not-subsumed');
    expect(subsumptionOf(index, 'dog', 'dog')).toBe('equivalent');
    expect(() => subsumptionOf(index, 'dog', 'unicorn')).toThrow(/unicorn/);
  });

  test('validate-code: membership, display check, codeableConcept semantics', () => {
    const store = storeWith(animals, valueSet('urn:vs:mammals', { include: [{ system: CS, filter: [{ property: 'concept', op: 'is-a', value: 'mammal' }] }] }));
    const mammals = expand(store, 'urn:vs:mammals');
    const result = (p: { parameter?: { name: string; valueBoolean?: boolean; valueString?: string }[] }) => p.parameter!.find((x) => x.name === 'result')!.valueBoolean;
    const lookup = (system: string) => store.codeSystemIndex(system);
    expect(result(validateInValueSet(mammals, 'urn:vs:mammals', [{ system: CS, code: 'dog' }], lookup))).toBe(true);
    expect(result(validateInValueSet(mammals, 'urn:vs:mammals', [{ system: CS, code: 'bird' }], lookup))).toBe(false);
    expect(result(validateInValueSet(mammals, 'urn:vs:mammals', [{ system: CS, code: 'cat', display: 'domestic  CAT' }], lookup))).toBe(true);
    expect(result(validateInValueSet(mammals, 'urn:vs:mammals', [{ system: CS, code: 'cat', display: 'Lion' }], lookup))).toBe(false);
    expect(result(validateInValueSet(mammals, 'urn:vs:mammals', [{ system: CS, code: 'bird' }, { system: CS, code: 'cat' }], lookup))).toBe(true);
    expect(result(validateInCodeSystem(index, [{ code: 'dodo' }]))).toBe(true);
    expect(result(validateInCodeSystem(index, [{ system: 'urn:other', code: 'dodo' }]))).toBe(false);
  });

  test('translate forward, reverse (equivalence flipped) and unmapped=provided', () => {
    const map: ConceptMap = {
      resourceType: 'ConceptMap', url: 'urn:cm:1', status: 'active',
      group: [
        { source: CS, target: 'urn:cs:b', element: [{ code: 'dog', target: [{ code: 'canine', equivalence: 'wider' }] }] },
        { source: CS, target: 'urn:cs:c', element: [], unmapped: { mode: 'provided' } },
      ],
    };
    const forward = translateCode([map], { system: CS, code: 'dog', targetSystem: 'urn:cs:b' });
    expect(forward.parameter![0]).toEqual({ name: 'result', valueBoolean: true });
    expect(forward.parameter![1].part).toEqual([
      { name: 'equivalence', valueCode: 'wider' },
      { name: 'concept', valueCoding: { system: 'urn:cs:b', code: 'canine' } },
      { name: 'source', valueUri: 'urn:cm:1' },
    ]);
    const reverse = translateCode([map], { system: 'urn:cs:b', code: 'canine', reverse: true });
    expect(reverse.parameter![1].part![0]).toEqual({ name: 'equivalence', valueCode: 'narrower' });
    const provided = translateCode([map], { system: CS, code: 'cat', targetSystem: 'urn:cs:c' });
    expect(provided.parameter![1].part![1]).toEqual({ name: 'concept', valueCoding: { system: 'urn:cs:c', code: 'cat' } });
    expect(translateCode([map], { system: CS, code: 'cat', targetSystem: 'urn:cs:b' }).parameter![0].valueBoolean).toBe(false);
  });
});
