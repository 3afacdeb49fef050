// The fields a selection set asks for, through inline fragments and fragment spreads: what the
// audit walks per resident and what the scope check reads off the root of an operation.
import { Kind, type DocumentNode, type FieldNode, type FragmentDefinitionNode, type SelectionSetNode } from "graphql";

export function fragmentsOf(document: DocumentNode): Map<string, FragmentDefinitionNode> {
  const fragments = new Map<string, FragmentDefinitionNode>();
  for (const def of document.definitions) if (def.kind === Kind.FRAGMENT_DEFINITION) fragments.set(def.name.value, def);
  return fragments;
}

export function selectedFields(set: SelectionSetNode, fragments: ReadonlyMap<string, FragmentDefinitionNode>, out: FieldNode[] = []): FieldNode[] {
  for (const s of set.selections) {
    if (s.kind === Kind.FIELD) out.push(s);
    else if (s.kind === Kind.INLINE_FRAGMENT) selectedFields(s.selectionSet, fragments, out);
    else {
      const fragment = fragments.get(s.name.value);
      if (fragment) selectedFields(fragment.selectionSet, fragments, out);
    }
  }
  return out;
}
