// Canvas input: DOM pointer, wheel, pinch and key events turned into editor input (and viewport moves).
import type { Editor } from '../tools/editor';
import type { PointerInput } from '../tools/tool';
import { Panning } from '../tools/hand';
import { heldShortcut } from '../actions/board-actions';
import { isTextEntry } from './dom';

/**
 * `textBeingEntered` says whether an editor of the page's own (the inline name or note field) is
 * open; while it is, no key is a shortcut.
 */
export function attachCanvasInput(canvas: HTMLElement, editor: Editor, textBeingEntered: () => boolean): () => void {
  const viewport = editor.viewport;
  /**
   * Whether the last press was outside the canvas (the tool rail, the palette, a panel). A press on
   * something that takes no focus leaves focus on the page body; keys typed then are meant for
   * that part of the page (a name after picking a kind in the palette), not shortcuts.
   */
  let pressedOutsideCanvas = false;
  const touches = new Map<number, { x: number; y: number }>();
  let pinch: { distance: number; cx: number; cy: number } | null = null;
  let spaceHeld = false;
  let primaryPointer: number | null = null;

  const toInput = (e: PointerEvent | MouseEvent): PointerInput => {
    const rect = canvas.getBoundingClientRect();
    const sx = e.clientX - rect.left;
    const sy = e.clientY - rect.top;
    const world = viewport.toWorld(sx, sy);
    const pe = e as PointerEvent;
    const type = pe.pointerType === 'pen' || pe.pointerType === 'touch' ? pe.pointerType : 'mouse';
    return { x: world.x, y: world.y, sx, sy, pressure: pe.pressure ?? 0.5, pointerType: type, shift: e.shiftKey, button: e.button };
  };

  const pinchState = () => {
    const [a, b] = [...touches.values()];
    return { distance: Math.hypot(a!.x - b!.x, a!.y - b!.y), cx: (a!.x + b!.x) / 2, cy: (a!.y + b!.y) / 2 };
  };

  const down = (e: PointerEvent) => {
    canvas.focus({ preventScroll: true });
    if (e.pointerType === 'touch') {
      const rect = canvas.getBoundingClientRect();
      touches.set(e.pointerId, { x: e.clientX - rect.left, y: e.clientY - rect.top });
      if (touches.size === 2) {
        // A second finger turns any gesture in progress into a pinch.
        editor.cancel();
        primaryPointer = null;
        pinch = pinchState();
        return;
      }
      if (touches.size > 2) return;
    }
    if (primaryPointer !== null) return;
    primaryPointer = e.pointerId;
    try {
      canvas.setPointerCapture(e.pointerId);
    } catch {
      // Synthetic or already-released pointers cannot be captured; the gesture still works inside the canvas.
    }
    const input = toInput(e);
    if (spaceHeld || e.button === 1) {
      editor.transition(new Panning(editor, input, () => editor.idle()));
      return;
    }
    if (e.button !== 0) return;
    editor.pointerDown(input);
  };

  const move = (e: PointerEvent) => {
    if (e.pointerType === 'touch' && touches.has(e.pointerId)) {
      const rect = canvas.getBoundingClientRect();
      touches.set(e.pointerId, { x: e.clientX - rect.left, y: e.clientY - rect.top });
      if (pinch && touches.size === 2) {
        const next = pinchState();
        viewport.panBy(next.cx - pinch.cx, next.cy - pinch.cy);
        viewport.zoomAt(next.cx, next.cy, next.distance / Math.max(1, pinch.distance));
        pinch = next;
        return;
      }
    }
    if (primaryPointer !== null && e.pointerId !== primaryPointer) return;
    // Coalesced events give a pen its full resolution even when frames are slow.
    const events = primaryPointer !== null && typeof e.getCoalescedEvents === 'function' ? e.getCoalescedEvents() : [];
    if (events.length > 1) for (const ce of events) editor.pointerMove(toInput(ce));
    else editor.pointerMove(toInput(e));
  };

  const up = (e: PointerEvent) => {
    touches.delete(e.pointerId);
    if (touches.size < 2) pinch = null;
    if (e.pointerId !== primaryPointer) return;
    primaryPointer = null;
    if (e.type === 'pointercancel') editor.cancel();
    else editor.pointerUp(toInput(e));
  };

  const wheel = (e: WheelEvent) => {
    e.preventDefault();
    const rect = canvas.getBoundingClientRect();
    const scale = e.deltaMode === 1 ? 16 : 1;
    if (e.ctrlKey || e.metaKey) {
      // Trackpad pinch arrives as a wheel event with ctrlKey set.
      viewport.zoomAt(e.clientX - rect.left, e.clientY - rect.top, Math.exp((-e.deltaY * scale) / 300));
    } else {
      viewport.panBy(-e.deltaX * scale, -e.deltaY * scale);
    }
  };

  const keydown = (e: KeyboardEvent) => {
    // Keys that compose text (an IME's candidate, a dead key) or go into a field are never shortcuts.
    if (e.isComposing || e.key === 'Process' || e.key === 'Dead') return;
    if (isTextEntry(e.target) || textBeingEntered() || document.querySelector('dialog[open]')) return;
    const mod = e.ctrlKey || e.metaKey;
    // Single keys act only when focus is on the canvas (or, before anything else was pressed, nowhere),
    // so buttons keep their keys and typing elsewhere changes nothing; Ctrl shortcuts act from anywhere.
    const onCanvas = e.target === canvas || (e.target === document.body && !pressedOutsideCanvas);
    if (!onCanvas && !mod) return;
    // Text selected on the page (a panel's words) is what Ctrl+C there means to copy, not the board's selection.
    if (!onCanvas && mod && !(window.getSelection()?.isCollapsed ?? true)) return;
    const input = { key: e.key, shift: e.shiftKey, mod, alt: e.altKey };
    if (heldShortcut('pan', input)) {
      spaceHeld = true;
      canvas.classList.add('k-panning');
      e.preventDefault();
      return;
    }
    if (editor.keyDown(input)) e.preventDefault();
  };

  const keyup = (e: KeyboardEvent) => {
    if (spaceHeld && heldShortcut('pan', { key: e.key, shift: e.shiftKey, mod: false, alt: false })) {
      spaceHeld = false;
      canvas.classList.remove('k-panning');
    }
  };

  const dblclick = (e: MouseEvent) => editor.doubleClick(toInput(e));
  const leave = () => editor.pointerLeave();

  // Focus is managed in `down`; the mousedown that follows must not move it back to the canvas, or it
  // would steal it from an inline editor that the press just opened (and typed keys would become shortcuts).
  const mousedown = (e: MouseEvent) => e.preventDefault();
  const anyPress = (e: PointerEvent) => {
    pressedOutsideCanvas = !(e.target instanceof Node && canvas.contains(e.target));
  };
  const canvasFocused = () => {
    pressedOutsideCanvas = false;
  };
  canvas.addEventListener('mousedown', mousedown);
  canvas.addEventListener('focus', canvasFocused);
  document.addEventListener('pointerdown', anyPress, true);
  canvas.addEventListener('pointerdown', down);
  canvas.addEventListener('pointermove', move);
  canvas.addEventListener('pointerup', up);
  canvas.addEventListener('pointercancel', up);
  canvas.addEventListener('pointerleave', leave);
  canvas.addEventListener('dblclick', dblclick);
  canvas.addEventListener('wheel', wheel, { passive: false });
  window.addEventListener('keydown', keydown);
  window.addEventListener('keyup', keyup);
  return () => {
    document.removeEventListener('pointerdown', anyPress, true);
    window.removeEventListener('keydown', keydown);
    window.removeEventListener('keyup', keyup);
  };
}

