import type { Node as PMNode } from 'prosemirror-model';
import type { ImportTally } from './importReport.js';
import { schema } from './schema.js';

const { nodes } = schema;

/** How a task item starts in Markdown: "[ ] " or "[x] ". */
const TASK_PREFIX = /^\[( |x|X)\]\s/;

/** The "[ ]"/"[x]" prefix of a list item's first paragraph, if it has one. */
function taskPrefix(item: PMNode): RegExpExecArray | null {
  const first = item.firstChild;
  return first && first.type === nodes.paragraph ? TASK_PREFIX.exec(first.textContent) : null;
}

/** A bullet list whose every item is a task, as a task list; null when some item is not. */
function asTaskList(list: PMNode): PMNode | null {
  const items: PMNode[] = [];
  let allTasks = true;
  list.forEach((item) => {
    const match = taskPrefix(item);
    if (!match) {
      allTasks = false;
      return;
    }
    const first = item.firstChild!;
    const rest: PMNode[] = [];
    item.forEach((c, _o, i) => i > 0 && rest.push(c));
    items.push(
      nodes.task_item!.create({ checked: match[1] !== ' ' }, [first.copy(first.content.cut(match[0].length)), ...rest]),
    );
  });
  return allTasks && items.length > 0 ? nodes.task_list!.create(null, items) : null;
}

/**
 * Turns bullet lists whose every item starts with "[ ] " or "[x] " into task lists, at any
 * depth. A checkbox the schema cannot hold (in a numbered list, or in a list where some
 * items have none) stays as its text, counted in `tally`.
 */
export function liftTaskLists(node: PMNode, tally: ImportTally): PMNode {
  const children: PMNode[] = [];
  node.forEach((child) => children.push(liftTaskLists(child, tally)));
  const rebuilt = node.isLeaf || node.isTextblock ? node : node.copy(node.type.create(null, children).content);
  if (rebuilt.type !== nodes.bullet_list && rebuilt.type !== nodes.ordered_list) return rebuilt;
  const lifted = rebuilt.type === nodes.bullet_list ? asTaskList(rebuilt) : null;
  if (lifted) return lifted;
  rebuilt.forEach((item) => {
    if (taskPrefix(item)) tally.add('tasksKeptAsText');
  });
  return rebuilt;
}
