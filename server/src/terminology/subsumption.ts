/** CodeSystem $subsumes: how two codes of one system relate in its is-a hierarchy. */
import { badRequest } from '../errors';
import type { CodeSystemIndex } from './code-system-index';

export type Subsumption = 'equivalent' | 'subsumes' | 'subsumed-by' | 'not-subsumed';

export function subsumptionOf(index: CodeSystemIndex, codeA: string, codeB: string): Subsumption {
  const a = index.get(codeA)?.code;
  const b = index.get(codeB)?.code;
  if (!a) throw badRequest(`Code ${JSON.stringify(codeA)} is not in code system ${index.url}`);
  if (!b) throw badRequest(`Code ${JSON.stringify(codeB)} is not in code system ${index.url}`);
  if (a === b) return 'equivalent';
  if (index.subsumes(a, b)) return 'subsumes';
  if (index.subsumes(b, a)) return 'subsumed-by';
  return 'not-subsumed';
}
