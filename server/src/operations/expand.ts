/** ValueSet/$expand (type: `url` or an inline `valueSet`; instance: a stored ValueSet), with filter and paging. */
import { expansionPage } from '../terminology/expansion-page';
import { r4OperationDefinition, type OperationDeclaration } from './registry';
import { expandTargetValueSet } from './terminology-targets';

export const expandOperation: OperationDeclaration = {
  definition: r4OperationDefinition('ValueSet-expand'),
  handler: async (input, ctx, target) => {
    const { valueSet, expansion } = await expandTargetValueSet(ctx, target, input);
    const page = expansionPage(valueSet, expansion, {
      filter: input.string('filter'),
      offset: input.integer('offset'),
      count: input.integer('count'),
      activeOnly: input.boolean('activeOnly'),
      displayLanguage: input.string('displayLanguage'),
    });
    return { status: 200, body: page };
  },
};
