/** CodeSystem/$subsumes: codeA and codeB (or codingA/codingB) of one system, in its is-a hierarchy. */
import { badRequest } from '../errors';
import { subsumptionOf } from '../terminology/subsumption';
import { r4OperationDefinition, type OperationDeclaration } from './registry';
import { fromCoding, targetCodeSystem } from './terminology-targets';

export const subsumesOperation: OperationDeclaration = {
  definition: r4OperationDefinition('CodeSystem-subsumes'),
  handler: async (input, ctx, target) => {
    const codingA = input.coding('codingA');
    const codingB = input.coding('codingB');
    const a = codingA ? fromCoding(codingA, 'codingA') : { code: input.string('codeA'), system: input.string('system') };
    const b = codingB ? fromCoding(codingB, 'codingB') : { code: input.string('codeB'), system: input.string('system') };
    if (!a.code || !b.code) throw badRequest('$subsumes needs two codes: codeA and codeB (with system), or codingA and codingB');
    if (a.system && b.system && a.system !== b.system) throw badRequest('codingA and codingB must be from the same code system');
    const index = await targetCodeSystem(ctx, target, a.system ?? b.system);
    const outcome = subsumptionOf(index, a.code, b.code);
    return { status: 200, body: { resourceType: 'Parameters', parameter: [{ name: 'outcome', valueCode: outcome }] } };
  },
};
