// Keeps a board's network figures up to date: sends the map's structure to the figures worker
// shortly after it changes (not on drags, which change no structure) and hands the answer on.
import type { BoardModel, ModelChange } from '../model/board';
import type { ActorFigures, FiguresRequest } from './compute';
import type { WorkerAnswer, WorkerRequest } from './figures.worker';

/** How long the map must rest after a structural change before figures are recomputed. */
export const FIGURES_DEBOUNCE_MS = 500;

/** The part of a worker the page uses (a real `Worker`, or a stand-in in tests). */
export interface FiguresWorker {
  postMessage(message: WorkerRequest): void;
  onmessage: ((event: MessageEvent<WorkerAnswer>) => void) | null;
  terminate(): void;
}

export function startFiguresWorker(): FiguresWorker {
  return new Worker(new URL('./figures.worker.ts', import.meta.url), { type: 'module' }) as unknown as FiguresWorker;
}

export class LiveFigures {
  /** The latest figures by actor id; empty until the first answer. */
  figures = new Map<string, ActorFigures>();
  /** How long the latest computation took in the worker, in milliseconds. */
  lastMilliseconds = 0;
  private worker: FiguresWorker | null = null;
  private stopListening: (() => void) | null = null;
  private timer: ReturnType<typeof setTimeout> | null = null;
  private lastStructure = '';
  /** Ids in the last request: a removed relation or actor is found by its id no longer being there. */
  private sentActorIds = new Set<string>();
  private sentRelationIds = new Set<string>();
  private requestNumber = 0;
  private readonly listeners = new Set<() => void>();

  constructor(
    private readonly model: BoardModel,
    private readonly seed: string,
    private readonly createWorker: () => FiguresWorker = startFiguresWorker,
  ) {}

  get running(): boolean {
    return this.worker !== null;
  }

  onUpdate(listener: () => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  /** Starts the worker and computes at once; later structural changes recompute after a pause. */
  start(): void {
    if (this.worker) return;
    this.worker = this.createWorker();
    this.worker.onmessage = (event) => {
      // An answer to a request that has since been replaced would flash stale figures.
      if (event.data.requestNumber !== this.requestNumber) return;
      this.figures = new Map(event.data.figures.map((figures) => [figures.actorId, figures]));
      this.lastMilliseconds = event.data.milliseconds;
      for (const listener of this.listeners) listener();
    };
    this.stopListening = this.model.onChange((change) => this.changed(change));
    this.lastStructure = '';
    this.send();
  }

  stop(): void {
    this.worker?.terminate();
    this.worker = null;
    this.stopListening?.();
    this.stopListening = null;
    if (this.timer !== null) clearTimeout(this.timer);
    this.timer = null;
    this.figures = new Map();
    for (const listener of this.listeners) listener();
  }

  private changed(change: ModelChange): void {
    // Only additions, removals and relation edits can change figures; moves and renames cannot,
    // so a drag end or typing a name never wakes the worker.
    const structural = [...change.ids].some((id) =>
      this.model.relations.has(id) || this.sentRelationIds.has(id) || this.model.actors.has(id) !== this.sentActorIds.has(id));
    if (!structural) return;
    if (this.timer !== null) clearTimeout(this.timer);
    this.timer = setTimeout(() => {
      this.timer = null;
      this.send();
    }, FIGURES_DEBOUNCE_MS);
  }

  private send(): void {
    if (!this.worker) return;
    const request = this.request();
    const structure = JSON.stringify(request);
    if (structure === this.lastStructure) return;
    this.lastStructure = structure;
    this.sentActorIds = new Set(request.actorIds);
    this.sentRelationIds = new Set(this.model.liveRelations().map((relation) => relation.id));
    this.requestNumber += 1;
    this.worker.postMessage({ ...request, requestNumber: this.requestNumber });
  }

  private request(): FiguresRequest {
    return {
      actorIds: [...this.model.actors.keys()].sort(),
      relations: this.model.liveRelations()
        .map((relation) => ({ from: relation.from, to: relation.to, direction: relation.direction }))
        .sort((a, b) => (a.from + ' ' + a.to + ' ' + a.direction < b.from + ' ' + b.to + ' ' + b.direction ? -1 : 1)),
      seed: this.seed,
    };
  }
}

/** How many of the highest broker scores get a "broker" mark. */
export const BROKER_MARKS = 3;

/**
 * The actors with the highest broker scores, best first, with their rank (1…3). Actors with
 * equal scores share a rank, so a tie is shown as a tie; a score of 0 is never a broker.
 */
export function brokerRanks(figures: Map<string, ActorFigures>): Map<string, number> {
  const sorted = [...figures.values()].filter((f) => f.betweenness > 1e-12)
    .sort((a, b) => b.betweenness - a.betweenness || (a.actorId < b.actorId ? -1 : 1));
  const ranks = new Map<string, number>();
  sorted.forEach((f, i) => {
    const previous = sorted[i - 1];
    const rank = previous && Math.abs(previous.betweenness - f.betweenness) < 1e-12 ? ranks.get(previous.actorId)! : i + 1;
    if (rank <= BROKER_MARKS) ranks.set(f.actorId, rank);
  });
  return ranks;
}
