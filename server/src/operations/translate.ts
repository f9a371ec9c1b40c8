/** ConceptMap/$translate (R4): a code (coding, codeableConcept) through our maps and the R4 core maps. */
import { translateCode, selectConceptMaps } from '../terminology/translate-code';
import { r4OperationDefinition, type OperationDeclaration } from './registry';
import { codesToCheck, targetConceptMaps } from './terminology-targets';

export const translateOperation: OperationDeclaration = {
  definition: r4OperationDefinition('ConceptMap-translate'),
  handler: async (input, ctx, target) => {
    const [code] = codesToCheck(input);
    const { maps, named } = await targetConceptMaps(ctx, target, input);
    const chosen = named ? maps : selectConceptMaps(maps, input.string('source'), input.string('target'));
    const result = translateCode(chosen, {
      code: code.code,
      system: code.system,
      targetSystem: input.string('targetsystem'),
      reverse: input.boolean('reverse'),
    });
    return { status: 200, body: result };
  },
};
