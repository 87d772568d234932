// Canvas input: DOM pointer, wheel, pinch and key events turned into editor input (and viewport moves).
import type { Editor } from '../tools/editor';
import type { PointerInput } from '../tools/tool';
import { Panning } from '../tools/hand';
import { isTextEntry } from './dom';

export function attachCanvasInput(canvas: HTMLElement, editor: Editor, uiKeys: (e: KeyboardEvent) => boolean): () => void {
  const viewport = editor.viewport;
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
    if (isTextEntry(e.target) || document.querySelector('dialog[open]')) return;
    if (e.key === ' ' && !isButton(e.target)) {
      spaceHeld = true;
      canvas.classList.add('k-panning');
      e.preventDefault();
      return;
    }
    if (uiKeys(e)) {
      e.preventDefault();
      return;
    }
    // Editing keys act on the canvas only when focus is on it (or nowhere), so buttons keep their keys.
    const onCanvas = e.target === canvas || e.target === document.body;
    if (!onCanvas && !e.ctrlKey && !e.metaKey) return;
    if (editor.keyDown({ key: e.key, shift: e.shiftKey, mod: e.ctrlKey || e.metaKey, alt: e.altKey })) e.preventDefault();
  };

  const keyup = (e: KeyboardEvent) => {
    if (e.key === ' ') {
      spaceHeld = false;
      canvas.classList.remove('k-panning');
    }
  };

  const dblclick = (e: MouseEvent) => editor.doubleClick(toInput(e));
  const leave = () => editor.pointerLeave();

  // Focus is managed in `down`; the mousedown that follows must not move it back to the canvas, or it
  // would steal it from an inline editor that the press just opened (and typed keys would become shortcuts).
  const mousedown = (e: MouseEvent) => e.preventDefault();
  canvas.addEventListener('mousedown', mousedown);
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
    window.removeEventListener('keydown', keydown);
    window.removeEventListener('keyup', keyup);
  };
}

function isButton(target: EventTarget | null): boolean {
  return target instanceof HTMLButtonElement || target instanceof HTMLAnchorElement || (target instanceof HTMLElement && target.tagName === 'SUMMARY');
}
