/** One entry of a Menu. */
export interface MenuItem {
  id: string;
  label: string;
  /** Shortcut hint shown on the right, e.g. "Ctrl+Alt+Shift+H". */
  hint?: string;
  danger?: boolean;
  /** On/off state, for an item that toggles something (e.g. bold); absent for one-shot actions. */
  checked?: boolean;
  action: () => void;
}
