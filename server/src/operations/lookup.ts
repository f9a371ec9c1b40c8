/** CodeSystem/$lookup: `system` + `code` (or a `coding`); answers the concept's display, designations, properties. */
import { badRequest } from '../errors';
import { lookupCode } from '../terminology/lookup-code';
import { r4OperationDefinition, type OperationDeclaration } from './registry';
import { fromCoding, targetCodeSystem } from './terminology-targets';

export const lookupOperation: OperationDeclaration = {
  // R4 defines $lookup at type level only; on an instance (a stored CodeSystem) it is as useful, so we offer both.
  definition: { ...r4OperationDefinition('CodeSystem-lookup'), instance: true },
  handler: async (input, ctx, target) => {
    const coding = input.coding('coding');
    const requested = coding ? fromCoding(coding, 'coding') : { code: input.string('code'), system: input.string('system') };
    if (!requested.code) throw badRequest('$lookup needs a code (code and system, or coding)');
    const index = await targetCodeSystem(ctx, target, requested.system);
    return { status: 200, body: lookupCode(index, requested.code, input.strings('property')) };
  },
};
