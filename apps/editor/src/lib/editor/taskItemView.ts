import type { Node } from 'prosemirror-model';
import type { EditorView, NodeView, ViewMutationRecord } from 'prosemirror-view';

/**
 * Renders a task item as a real checkbox followed by its editable content. The checkbox
 * is named by the item's first line, kept in step with edits, so a screen reader says
 * "Write the notes, checkbox" rather than "Done". It is not a Tab stop: Tab in the text
 * indents items, and a long list would otherwise cost one stop per task; from the
 * keyboard, Ctrl/⌘+Enter ticks the task at the cursor, and screen readers still reach
 * every checkbox in their reading mode. Without a view (the history preview) the checkbox
 * shows the task as it was in that version, disabled: a preview changes nothing.
 */
export class TaskItemView implements NodeView {
  readonly dom: HTMLLIElement;
  readonly contentDOM: HTMLDivElement;
  private readonly checkbox: HTMLInputElement;

  constructor(
    private node: Node,
    view: EditorView | null,
    getPos: () => number | undefined,
  ) {
    this.dom = document.createElement('li');
    this.dom.dataset.type = 'task-item';
    this.checkbox = document.createElement('input');
    this.checkbox.type = 'checkbox';
    this.checkbox.tabIndex = -1;
    this.checkbox.contentEditable = 'false';
    this.checkbox.disabled = view === null;
    this.checkbox.addEventListener('mousedown', (event) => event.preventDefault());
    this.checkbox.addEventListener('change', () => {
      const pos = getPos();
      if (pos === undefined || !view?.editable) {
        this.checkbox.checked = this.node.attrs.checked as boolean;
        return;
      }
      view.dispatch(view.state.tr.setNodeAttribute(pos, 'checked', this.checkbox.checked));
    });
    const label = document.createElement('span');
    label.className = 'task-check';
    label.contentEditable = 'false';
    label.append(this.checkbox);
    this.contentDOM = document.createElement('div');
    this.contentDOM.className = 'task-content';
    this.dom.append(label, this.contentDOM);
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

  stopEvent(event: Event): boolean {
    return event.target === this.checkbox;
  }

  private render(): void {
    const checked = this.node.attrs.checked === true;
    this.checkbox.checked = checked;
    this.dom.dataset.checked = String(checked);
    const text = this.node.firstChild?.textContent.trim() ?? '';
    this.checkbox.setAttribute('aria-label', text === '' ? 'Empty task' : text);
  }
}
