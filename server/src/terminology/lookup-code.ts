/** CodeSystem $lookup: a concept's display, designations and properties (parent/child included) as Parameters. */
import type { CodeSystemConceptProperty, Parameters, ParametersParameter } from '@medplum/fhirtypes';
import { notFound } from '../errors';
import type { CodeSystemIndex, ConceptEntry } from './code-system-index';

/** `properties`: only these; all when empty. */
export function lookupCode(index: CodeSystemIndex, code: string, properties: string[]): Parameters {
  const codeSystem = index.codeSystem;
  const system = codeSystem.url ?? `CodeSystem/${codeSystem.id}`;
  const entry = index.get(code);
  if (!entry) throw notFound(`Code ${JSON.stringify(code)} is not in code system ${system}`);
  const wanted = properties.length > 0 ? new Set(properties) : undefined;
  const parameter: ParametersParameter[] = [
    { name: 'name', valueString: codeSystem.title ?? codeSystem.name ?? system },
    ...(codeSystem.version ? [{ name: 'version', valueString: codeSystem.version }] : []),
    { name: 'display', valueString: entry.display ?? entry.code },
    ...(entry.designation ?? []).map((d) => ({
      name: 'designation',
      part: [
        ...(d.language ? [{ name: 'language', valueCode: d.language }] : []),
        ...(d.use ? [{ name: 'use', valueCoding: d.use }] : []),
        { name: 'value', valueString: d.value },
      ],
    })),
    ...conceptProperties(entry).filter((p) => !wanted || wanted.has(p.code)).map(toPropertyParameter),
  ];
  return { resourceType: 'Parameters', parameter };
}

interface PropertyValue {
  code: string;
  value: Omit<ParametersParameter, 'name'>;
}

function conceptProperties(entry: ConceptEntry): PropertyValue[] {
  const result: PropertyValue[] = [];
  if (entry.definition) result.push({ code: 'definition', value: { valueString: entry.definition } });
  result.push({ code: 'inactive', value: { valueBoolean: entry.inactive } });
  if (entry.abstract) result.push({ code: 'abstract', value: { valueBoolean: true } });
  for (const parent of entry.parents) result.push({ code: 'parent', value: { valueCode: parent } });
  for (const child of entry.children) result.push({ code: 'child', value: { valueCode: child } });
  for (const property of entry.property) {
    if (!property.code || property.code === 'parent' || property.code === 'child' || property.code === 'inactive') continue;
    result.push({ code: property.code, value: propertyValue(property) });
  }
  return result;
}

function propertyValue(property: CodeSystemConceptProperty): Omit<ParametersParameter, 'name'> {
  const value = Object.entries(property).filter(([key]) => key.startsWith('value'));
  return Object.fromEntries(value) as Omit<ParametersParameter, 'name'>;
}

function toPropertyParameter(property: PropertyValue): ParametersParameter {
  return { name: 'property', part: [{ name: 'code', valueCode: property.code }, { name: 'value', ...property.value }] };
}
