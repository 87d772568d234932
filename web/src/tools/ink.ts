// Pen and highlighter: ink.idle → ink.drawing; the stroke in progress goes out as awareness, the doc gets it at pen-up.
import type { Editor } from './editor';
import type { PointerInput, ToolState } from './tool';
import type { StrokeTool } from '../generated/protocol';

export class InkIdle implements ToolState {
  readonly id: string;
  constructor(private readonly editor: Editor, private readonly tool: StrokeTool) {
    this.id = `${tool}.idle`;
  }

  pointerDown(input: PointerInput): void {
    if (this.editor.locked) return;
    this.editor.transition(new InkDrawing(this.editor, this.tool, input));
  }
}

export class InkDrawing implements ToolState {
  readonly id: string;
  constructor(private readonly editor: Editor, tool: StrokeTool, start: PointerInput) {
    this.id = `${tool}.drawing`;
    const style = editor.strokeStyle(tool);
    editor.ink = { tool, color: style.color, width: style.width, points: [] };
    this.add(start);
  }

  pointerMove(input: PointerInput): void {
    this.add(input);
  }

  pointerUp(input: PointerInput): void {
    this.add(input);
    const ink = this.editor.ink;
    this.finish();
    if (ink && ink.points.length >= 3) this.editor.model.addStroke({ ...ink, points: ink.points });
  }

  cancel(): void {
    this.finish();
  }

  private add(input: PointerInput): void {
    const ink = this.editor.ink;
    if (!ink) return;
    const n = ink.points.length;
    // Skip points closer than half a screen pixel to the previous one.
    if (n >= 3 && Math.hypot(ink.points[n - 3]! - input.x, ink.points[n - 2]! - input.y) * this.editor.viewport.zoom < 0.5) return;
    // A mouse reports pressure 0.5 while pressed (0 when not): only a pen's pressure is real.
    const pressure = input.pointerType === 'pen' ? Math.round(input.pressure * 100) / 100 : 0.5;
    ink.points.push(input.x, input.y, pressure);
    this.editor.presence?.set({ ink: { ...ink, points: [...ink.points] } });
    this.editor.changed();
  }

  private finish(): void {
    this.editor.ink = null;
    this.editor.presence?.set({ ink: null });
    this.editor.idle();
  }
}
