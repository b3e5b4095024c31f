import type { Role } from '@tandem/crdt-bridge';
import { effectiveMode, modeRights, type EditMode } from './editMode.js';

/** How long a notice about a change that could not be suggested stays up. */
const NOTICE_MS = 6_000;

/** This person's editing mode on one open document, reactive: what they chose, and what their role allows. */
export class SuggestingMode {
  /** What the person picked; a commenter's choice does not count. */
  chosen = $state<EditMode>('editing');
  /** Their role on the document, as the server said (null until it has, and in open mode). */
  role = $state<Role | null>(null);
  /** A sentence about the last change that could not be suggested, shown for a moment. */
  notice = $state<string | null>(null);
  private noticeTimer: ReturnType<typeof setTimeout> | null = null;

  /** Whether this person's changes become suggestions now. */
  get suggesting(): boolean {
    return modeRights(this.role).maySuggest && effectiveMode(this.role, this.chosen) === 'suggesting';
  }

  /** Whether they may change the document directly: its title, its formatting (editors and owners). */
  get mayEditDirectly(): boolean {
    return modeRights(this.role).mayEdit;
  }

  /** Whether they may switch between Editing and Suggesting (editors and owners). */
  get mayChoose(): boolean {
    return modeRights(this.role).mayEdit;
  }

  /** Whether they may accept and reject others' suggestions (editors and owners). */
  get mayResolve(): boolean {
    return modeRights(this.role).mayEdit;
  }

  /** Switches between Editing and Suggesting; a commenter is told why they cannot. */
  toggle(): void {
    if (!this.mayChoose) {
      if (modeRights(this.role).maySuggest)
        this.say('You can suggest changes here; an editor decides whether to accept them.');
      return;
    }
    this.chosen = this.chosen === 'editing' ? 'suggesting' : 'editing';
  }

  /** Shows `sentence` for a moment. */
  say(sentence: string): void {
    this.notice = sentence;
    if (this.noticeTimer !== null) clearTimeout(this.noticeTimer);
    this.noticeTimer = setTimeout(() => {
      this.notice = null;
      this.noticeTimer = null;
    }, NOTICE_MS);
  }

  /** Stops the notice's timer (the page is leaving). */
  destroy(): void {
    if (this.noticeTimer !== null) clearTimeout(this.noticeTimer);
  }
}
