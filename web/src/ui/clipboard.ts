//! The board's clipboard: copy and paste through the system clipboard where the browser permits, and localStorage for this browser's other boards.
import type { Editor } from '../tools/editor';
import type { Point } from '../render/viewport';
import { copyPayload, parseClipboard, pasteOffset, pastePayload, serializePayload, textPayload, TEXT_PASTE_LIMITS } from '../model/clipboard';

import { t } from '../i18n';

/** Where the last copy is kept for this browser's other tabs and boards when the system clipboard cannot be read. */
const STORAGE_KEY = 'kartta.clipboard';

export class BoardClipboard {
  constructor(private readonly editor: Editor) {}

  /** Writes the elements to both places; a cut removes them once they are written (one undo step, as a delete). */
  copy(ids: string[], cut: boolean): void {
    const editor = this.editor;
    const payload = copyPayload(editor.model, ids);
    const text = serializePayload(payload);
    try {
      localStorage.setItem(STORAGE_KEY, text);
    } catch {
      // Storage full or unavailable (private mode): the system clipboard alone carries it.
    }
    // Without permission (or focus) the browser refuses; the stored copy still serves this browser.
    navigator.clipboard?.writeText(text).catch(() => {});
    if (cut && !editor.locked) {
      editor.model.deleteElements(ids);
      editor.select([]);
    }
  }

  /** Reads what was copied last and adds it around `at`, selecting what was added; says why when nothing was. */
  async paste(at: Point): Promise<void> {
    const editor = this.editor;
    if (editor.locked) return this.say(t('clipboard.readOnly'), true);
    const parsed = parseClipboard(await this.read());
    switch (parsed.kind) {
      case 'empty':
        return this.say(t('clipboard.nothing'), true);
      case 'refused':
        return this.say(t(parsed.reason === 'tooLarge' ? 'clipboard.tooLarge' : parsed.reason === 'newerVersion' ? 'clipboard.newerVersion' : 'clipboard.invalid'), true);
      case 'elements':
      case 'text': {
        const payload = parsed.kind === 'elements' ? parsed.payload : textPayload(parsed.names, editor.actorKind);
        // The board may have become read-only while the clipboard was read.
        const created = pastePayload(editor.model, payload, pasteOffset(editor.model, payload, at));
        if (created.length === 0) return this.say(t(editor.locked ? 'clipboard.readOnly' : 'clipboard.nothing'), true);
        editor.select(created);
        if (parsed.kind === 'text' && parsed.cut) this.say(t('clipboard.linesCut', { lines: TEXT_PASTE_LIMITS.lines, length: TEXT_PASTE_LIMITS.nameLength }), false);
      }
    }
  }

  /**
   * The system clipboard when the browser lets the page read it and it holds something, else the
   * copy this browser kept: reading needs a permission that many browsers ask for or refuse.
   */
  private async read(): Promise<string> {
    try {
      const text = await navigator.clipboard?.readText();
      if (text) return text;
    } catch {
      // Refused or not focused: fall back to the stored copy.
    }
    try {
      return localStorage.getItem(STORAGE_KEY) ?? '';
    } catch {
      return '';
    }
  }

  private say(text: string, isError: boolean): void {
    this.editor.host.notify?.(text, isError);
  }
}

