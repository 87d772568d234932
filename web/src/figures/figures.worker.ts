// The network-figures worker: computes figures off the main thread, so the map stays smooth.
import { computeFigures } from './compute';
import type { ActorFigures, FiguresRequest } from './compute';

/** A request with a number, so the page can drop answers to requests it has since replaced. */
export interface WorkerRequest extends FiguresRequest {
  requestNumber: number;
}

export interface WorkerAnswer {
  requestNumber: number;
  figures: ActorFigures[];
  /** How long the computation took in the worker, in milliseconds (the benchmark reads it). */
  milliseconds: number;
}

const scope = self as unknown as {
  onmessage: ((event: MessageEvent<WorkerRequest>) => void) | null;
  postMessage(message: WorkerAnswer): void;
};

scope.onmessage = (event) => {
  const started = performance.now();
  const figures = computeFigures(event.data);
  scope.postMessage({ requestNumber: event.data.requestNumber, figures, milliseconds: performance.now() - started });
};
