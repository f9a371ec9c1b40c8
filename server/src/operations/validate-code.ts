/** ValueSet/$validate-code and CodeSystem/$validate-code: is the code (coding, codeableConcept) a member? */
import { validateInCodeSystem, validateInValueSet } from '../terminology/validate-code';
import { r4OperationDefinition, type OperationDeclaration } from './registry';
import { codesToCheck, expandTargetValueSet, targetCodeSystem } from './terminology-targets';

export const valueSetValidateCodeOperation: OperationDeclaration = {
  definition: r4OperationDefinition('ValueSet-validate-code'),
  handler: async (input, ctx, target) => {
    const codes = codesToCheck(input);
    const { url, expansion, store } = await expandTargetValueSet(ctx, target, input);
    return { status: 200, body: validateInValueSet(expansion, url, codes, (system) => store.codeSystemIndex(system)) };
  },
};

export const codeSystemValidateCodeOperation: OperationDeclaration = {
  definition: r4OperationDefinition('CodeSystem-validate-code'),
  handler: async (input, ctx, target) => {
    const codes = codesToCheck(input);
    // The code system is `url` (R4's name), or the system of the coding being checked.
    const index = await targetCodeSystem(ctx, target, input.string('url') ?? codes.find((c) => c.system)?.system);
    return { status: 200, body: validateInCodeSystem(index, codes) };
  },
};
