import type { Node } from 'prosemirror-model';
import type { NodeView, ViewMutationRecord } from 'prosemirror-view';

/**
 * A task item in the history preview: its checkbox shown as it was in that version,
 * checked or not, and disabled (a preview changes nothing). Laid out like the editor's
 * task items, so a version reads as the document did.
 */
export class ReadOnlyTaskItem implements NodeView {
  readonly dom: HTMLLIElement;
  readonly contentDOM: HTMLDivElement;
  private readonly checkbox: HTMLInputElement;

  constructor(private node: Node) {
    this.dom = document.createElement('li');
    this.dom.dataset.type = 'task-item';
    this.checkbox = document.createElement('input');
    this.checkbox.type = 'checkbox';
    this.checkbox.disabled = true;
    this.checkbox.dataset.testid = 'history-task-checkbox';
    const check = document.createElement('span');
    check.className = 'task-check';
    check.contentEditable = 'false';
    check.append(this.checkbox);
    this.contentDOM = document.createElement('div');
    this.contentDOM.className = 'task-content';
    this.dom.append(check, this.contentDOM);
    this.render();
  }

  update(node: Node): boolean {
    if (node.type !== this.node.type) return false;
    this.node = node;
    this.render();
    return true;
  }

  ignoreMutation(mutation: ViewMutationRecord): boolean {
    return mutation.type !== 'selection' && !this.contentDOM.contains(mutation.target);
  }

  private render(): void {
    const checked = this.node.attrs.checked === true;
    this.checkbox.checked = checked;
    this.dom.dataset.checked = String(checked);
    // Named by the item's own words, so a screen reader says which task was done.
    this.checkbox.setAttribute('aria-label', this.node.firstChild?.textContent || 'Task');
  }
}
