import {
  type DirectiveNode,
  type DocumentNode,
  type FragmentDefinitionNode,
  Kind,
  type OperationDefinitionNode,
  type SelectionSetNode,
} from 'graphql';

/** A document's fragments by name. */
export function fragmentsOf(document: DocumentNode): Map<string, FragmentDefinitionNode> {
  const fragments = new Map<string, FragmentDefinitionNode>();
  for (const def of document.definitions)
    if (def.kind === Kind.FRAGMENT_DEFINITION) fragments.set(def.name.value, def);
  return fragments;
}

/**
 * The root fields an operation runs, by response key (its alias, else its name), collected as
 * graphql-js collects them: inline fragments and fragment spreads expanded, each named fragment
 * once however often it is spread (so a cycle ends), a field asked twice under one key run once,
 * and what `@skip`/`@include` leave out left out. A condition whose value is not known here (a
 * variable not sent and without a default) keeps the field: it may run.
 */
export function rootFieldsOf(
  document: DocumentNode,
  operation: OperationDefinitionNode,
  variables: Readonly<Record<string, unknown>> = {},
): Map<string, string> {
  const fragments = fragmentsOf(document);
  const fields = new Map<string, string>();
  const spread = new Set<string>();
  const collect = (set: SelectionSetNode) => {
    for (const sel of set.selections) {
      if (!included(sel.directives, variables)) continue;
      if (sel.kind === Kind.FIELD) {
        const key = sel.alias?.value ?? sel.name.value;
        if (!fields.has(key)) fields.set(key, sel.name.value);
      } else if (sel.kind === Kind.INLINE_FRAGMENT) {
        collect(sel.selectionSet);
      } else if (!spread.has(sel.name.value)) {
        spread.add(sel.name.value);
        const fragment = fragments.get(sel.name.value);
        if (fragment) collect(fragment.selectionSet);
      }
    }
  };
  collect(operation.selectionSet);
  return fields;
}

function included(
  directives: readonly DirectiveNode[] | undefined,
  variables: Readonly<Record<string, unknown>>,
): boolean {
  return (
    condition(directives, 'skip', variables) !== true && condition(directives, 'include', variables) !== false
  );
}

/** The `if:` of `@skip` or `@include` when it is known: a literal, or a variable's boolean value. */
function condition(
  directives: readonly DirectiveNode[] | undefined,
  name: 'skip' | 'include',
  variables: Readonly<Record<string, unknown>>,
): boolean | undefined {
  const value = directives
    ?.find((d) => d.name.value === name)
    ?.arguments?.find((a) => a.name.value === 'if')?.value;
  if (value?.kind === Kind.BOOLEAN) return value.value;
  if (value?.kind === Kind.VARIABLE) {
    const given = variables[value.name.value];
    return typeof given === 'boolean' ? given : undefined;
  }
  return undefined;
}
