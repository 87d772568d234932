// Keeps a board's network figures up to date: sends the map's structure to the figures worker
// shortly after it changes (not on drags, which change no structure) and hands the answer on.
import type { BoardModel, ModelChange } from '../model/board';
import type { Relation } from '../model/types';
import type { ActorFigures, FiguresRequest } from './compute';
import type { WorkerAnswer, WorkerRequest } from './figures.worker';
import { EXACT_BETWEENNESS_LIMIT, betweennessIsSampled } from './limits';

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

/** The request number of the warm-up computation, which no answer listener ever takes. */
const WARM_UP_REQUEST = -1;

/**
 * A made-up map for the warm-up: a ring with chords, some one-way. Above the exact limit it has
 * just more actors than the limit, so the estimate's code is the one compiled, at a fraction of a
 * large board's cost; below it a few dozen actors load everything for a small board's map.
 */
export function warmUpRequest(boardActors: number): FiguresRequest {
  const count = betweennessIsSampled(boardActors) ? EXACT_BETWEENNESS_LIMIT + 1 : 40;
  const actorIds = Array.from({ length: count }, (_, i) => `warm-up-${i}`);
  const relations = actorIds.flatMap((id, i) => [
    { from: id, to: actorIds[(i + 1) % count]!, direction: 'none' as const },
    { from: id, to: actorIds[(i * 7 + 3) % count]!, direction: i % 2 ? 'one_way' as const : 'none' as const },
  ]);
  return { actorIds, relations, seed: 'warm-up' };
}

export class LiveFigures {
  /** The latest figures by actor id; empty until the first answer. */
  figures = new Map<string, ActorFigures>();
  /** How long the latest computation took in the worker, in milliseconds. */
  lastMilliseconds = 0;
  /** Started before figures are turned on by `prepare`, so `running` is `on`, not whether there is a worker. */
  private worker: FiguresWorker | null = null;
  private on = false;
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
    return this.on;
  }

  onUpdate(listener: () => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  /**
   * Starts the worker before figures are turned on (the page calls this when the toggle comes into
   * view) and has it compute a made-up map of about this board's size once. The first real request
   * then finds graphology loaded and its code compiled: cold, loading and compiling the worker cost
   * more than the computation itself and competed with the page's own work on a phone's few cores.
   */
  prepare(): void {
    if (this.worker) return;
    this.worker = this.createWorker();
    this.worker.onmessage = (event) => this.answered(event.data);
    this.worker.postMessage({ ...warmUpRequest(this.model.actors.size), requestNumber: WARM_UP_REQUEST });
  }

  /** Starts the worker (if not prepared) and computes at once; later structural changes recompute after a pause. */
  start(): void {
    if (this.on) return;
    this.on = true;
    this.prepare();
    this.stopListening = this.model.onChange((change) => this.changed(change));
    this.lastStructure = '';
    this.send();
  }

  stop(): void {
    this.worker?.terminate();
    this.worker = null;
    this.on = false;
    this.stopListening?.();
    this.stopListening = null;
    if (this.timer !== null) clearTimeout(this.timer);
    this.timer = null;
    this.figures = new Map();
    for (const listener of this.listeners) listener();
  }

  private answered(answer: WorkerAnswer): void {
    // An answer to a request that has since been replaced would flash stale figures; the warm-up's
    // number is never a request's.
    if (answer.requestNumber !== this.requestNumber) return;
    this.figures = new Map(answer.figures.map((figures) => [figures.actorId, figures]));
    this.lastMilliseconds = answer.milliseconds;
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
    const live = this.model.liveRelations();
    const request = this.request(live);
    const structure = JSON.stringify(request);
    if (structure === this.lastStructure) return;
    this.lastStructure = structure;
    this.sentActorIds = new Set(request.actorIds);
    this.sentRelationIds = new Set(live.map((relation) => relation.id));
    this.requestNumber += 1;
    this.worker.postMessage({ ...request, requestNumber: this.requestNumber });
  }

  /**
   * The map's structure in an order every participant shares (Louvain's clusters depend on it).
   * Each relation's sort key is made once: made inside the comparison, it was two concatenations
   * for each of some 80,000 comparisons on a 6,000-relation map, most of this main-thread task.
   * The comparison answers as before, so the worker gets the same relations in the same order.
   */
  private request(live: Relation[]): FiguresRequest {
    const keyed = live.map((relation) => ({
      key: `${relation.from} ${relation.to} ${relation.direction}`,
      ends: { from: relation.from, to: relation.to, direction: relation.direction },
    }));
    keyed.sort((a, b) => (a.key < b.key ? -1 : 1));
    return { actorIds: [...this.model.actors.keys()].sort(), relations: keyed.map((entry) => entry.ends), seed: this.seed };
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
