// The projector's presentation layout of a board: the map alone, fitted to the content at the screen's
// size, under a small strip (title, full screen, back to the usual view) that hides itself while the
// pointer rests. A viewer sent to the presented board by the workshop page opens in it.
import { t } from '../../i18n';
import { boardBounds } from '../../tools/hit';
import { templateBounds } from '../../render/template';
import { unionRect } from '../../render/viewport';
import { h } from '../dom';
import type { BoardPage } from './page';

/** The strip stays this long after the pointer last moved over the page. */
const STRIP_SHOWN_MS = 2500;
/** The template's rings (or sectors) stay on the projector only while they leave the map at least this large. */
const PROJECTOR_READABLE_ZOOM = 0.6;
/** Room around the map on the projector, in screen pixels. */
const PROJECTOR_PADDING = 32;

export class ProjectorLayout {
  private hideTimer: ReturnType<typeof setTimeout> | null = null;
  private strip: HTMLElement | null = null;
  private fitFrame = 0;
  private readonly cleanups: (() => void)[] = [];

  constructor(private readonly page: BoardPage, public active: boolean, private readonly relayout: () => void) {
    const shown = () => this.showStrip();
    window.addEventListener('pointermove', shown);
    const fullscreen = () => this.updateFullscreenButton();
    document.addEventListener('fullscreenchange', fullscreen);
    this.cleanups.push(() => window.removeEventListener('pointermove', shown), () => document.removeEventListener('fullscreenchange', fullscreen));
  }

  destroy(): void {
    if (this.hideTimer !== null) clearTimeout(this.hideTimer);
    cancelAnimationFrame(this.fitFrame);
    this.cleanups.forEach((c) => c());
  }

  /** The strip over the map: the board's title and the two buttons. */
  buildStrip(title: string): HTMLElement {
    const strip = h('header', { class: 'k-projector-strip', id: 'k-projector-strip' }, [
      h('span', { class: 'k-projector-title' }, [title]),
      h('button', { type: 'button', class: 'k-small', id: 'k-projector-fullscreen', onclick: () => void this.toggleFullscreen() }, ['']),
      h('button', { type: 'button', class: 'k-small', id: 'k-projector-exit', onclick: () => this.exit() }, [t('projector.exit')]),
    ]);
    // Keyboard users find the strip by tabbing into it; it stays while focus is inside.
    strip.addEventListener('focusin', () => this.showStrip());
    this.strip = strip;
    this.updateFullscreenButton();
    this.showStrip();
    return strip;
  }

  /** Fits the map to its content at this screen's size on the next frame (content or size changed). */
  refitSoon(): void {
    if (!this.active || this.fitFrame) return;
    this.fitFrame = requestAnimationFrame(() => {
      this.fitFrame = 0;
      this.fit();
    });
  }

  /**
   * The whole map as large as the screen allows: with the template behind it while that stays readable
   * from the back of the room, else the drawn content alone.
   */
  fit(): void {
    const { model, viewport } = this.page;
    const drawn = boardBounds(model);
    const background = templateBounds(model.meta.template);
    if (!drawn) return viewport.fit(background, PROJECTOR_PADDING);
    if (background) {
      const both = unionRect(drawn, background);
      const zoom = Math.min((viewport.width - 2 * PROJECTOR_PADDING) / both.w, (viewport.height - 2 * PROJECTOR_PADDING) / both.h);
      if (zoom >= PROJECTOR_READABLE_ZOOM) return viewport.fit(both, PROJECTOR_PADDING);
    }
    viewport.fit(drawn, PROJECTOR_PADDING);
  }

  private exit(): void {
    this.active = false;
    if (document.fullscreenElement) void document.exitFullscreen().catch(() => {});
    this.relayout();
  }

  private async toggleFullscreen(): Promise<void> {
    try {
      if (document.fullscreenElement) await document.exitFullscreen();
      else await document.documentElement.requestFullscreen();
    } catch {
      // A browser that refuses full screen (a frame, a policy) keeps the window as it is.
    }
  }

  private updateFullscreenButton(): void {
    const button = this.strip?.querySelector<HTMLButtonElement>('#k-projector-fullscreen');
    if (button) button.textContent = document.fullscreenElement ? t('projector.leaveFullscreen') : t('projector.fullscreen');
  }

  private showStrip(): void {
    const strip = this.strip;
    if (!strip || !strip.isConnected) return;
    strip.classList.add('k-shown');
    if (this.hideTimer !== null) clearTimeout(this.hideTimer);
    this.hideTimer = setTimeout(() => {
      if (!strip.contains(document.activeElement)) strip.classList.remove('k-shown');
    }, STRIP_SHOWN_MS);
  }
}
