// The browser's network figures against the golden graphs the server's figures are tested with.
import goldenText from '../../protocol/tests/figures-golden.json?raw';
import { describe, expect, it, vi } from 'vitest';
import * as Y from 'yjs';
import { BoardModel } from '../src/model/board';
import { FIGURES_DEBOUNCE_MS, LiveFigures, brokerRanks, warmUpRequest } from '../src/figures/live';
import { EXACT_BETWEENNESS_LIMIT, betweennessIsSampled } from '../src/figures/limits';
import type { WorkerAnswer, WorkerRequest } from '../src/figures/figures.worker';
import { computeFigures } from '../src/figures/compute';
import type { RelationEnds } from '../src/figures/compute';

interface GoldenGraph {
  name: string;
  actors: string[];
  relations: RelationEnds[];
  expected: Record<string, { degree: number; inDegree: number; outDegree: number; betweenness: number; isolated: boolean; component: number }>;
  communities?: string[][];
}

const golden: { graphs: GoldenGraph[] } = JSON.parse(goldenText);

/** A partition as sorted lists, whatever the community numbers. */
const partition = (groups: string[][]) => groups.map((group) => [...group].sort().join(' ')).sort();

describe('network figures agree with the golden graphs', () => {
  for (const graph of golden.graphs) {
    it(graph.name, () => {
      const figures = computeFigures({ actorIds: graph.actors, relations: graph.relations, seed: 'board-1' });
      expect(figures.map((f) => f.actorId)).toEqual(Object.keys(graph.expected).sort());
      for (const actor of figures) {
        const expected = graph.expected[actor.actorId];
        expect({ ...actor, betweenness: 0, community: 0, actorId: '' }, actor.actorId).toEqual({
          ...expected, betweenness: 0, community: 0, actorId: '',
        });
        expect(actor.betweenness, `betweenness of ${actor.actorId}`).toBeCloseTo(expected.betweenness, 9);
      }
      if (graph.communities) {
        const groups = new Map<number, string[]>();
        for (const actor of figures) groups.set(actor.community, [...(groups.get(actor.community) ?? []), actor.actorId]);
        expect(partition([...groups.values()])).toEqual(partition(graph.communities));
      }
    });
  }

  it('numbers communities by first appearance, whatever the seed', () => {
    const bridge = golden.graphs.find((graph) => graph.name === 'two cliques joined by a bridge')!;
    for (const seed of ['board-1', 'another-board', '']) {
      const figures = computeFigures({ actorIds: bridge.actors, relations: bridge.relations, seed });
      expect(figures.map((f) => f.community)).toEqual([0, 0, 0, 0, 1, 1, 1, 1]);
    }
  });

  it('gives the same clusters for the same board id', () => {
    // A ring of small cliques: Louvain's result depends on its visiting order here.
    const actorIds = Array.from({ length: 30 }, (_, i) => `n${String(i).padStart(2, '0')}`);
    const relations: RelationEnds[] = actorIds.flatMap((id, i) => [
      { from: id, to: actorIds[(i + 1) % 30], direction: 'none' as const },
      { from: id, to: actorIds[(i + 2) % 30], direction: 'none' as const },
    ]);
    const once = computeFigures({ actorIds, relations, seed: 'board-x' });
    const again = computeFigures({ actorIds: [...actorIds].reverse(), relations: [...relations].reverse(), seed: 'board-x' });
    expect(again.map((f) => f.community)).toEqual(once.map((f) => f.community));
  });
});

describe('live figures follow the map', () => {
  /** Runs the worker's compute function in the page, counting requests. */
  function inPageWorker() {
    const worker = {
      /** Requests for the map's figures; the warm-up (a negative number) is counted apart. */
      requests: 0,
      warmUps: 0,
      onmessage: null as ((event: MessageEvent<WorkerAnswer>) => void) | null,
      postMessage(message: WorkerRequest) {
        if (message.requestNumber < 0) worker.warmUps += 1;
        else worker.requests += 1;
        const figures = computeFigures(message);
        queueMicrotask(() => worker.onmessage?.({ data: { requestNumber: message.requestNumber, figures, milliseconds: 0 } } as MessageEvent<WorkerAnswer>));
      },
      terminate() {},
    };
    return worker;
  }

  it('recomputes after a structural change has rested, but not after a move', async () => {
    vi.useFakeTimers();
    try {
      const model = new BoardModel(new Y.Doc());
      const hub = model.addActor({ name: 'Hub', kind: 'municipality', x: 0, y: 0 });
      const leaf = model.addActor({ name: 'Leaf', kind: 'association', x: 300, y: 0 });
      const worker = inPageWorker();
      const live = new LiveFigures(model, 'board-1', () => worker);
      live.start();
      await vi.advanceTimersByTimeAsync(0);
      expect(worker.requests).toBe(1);
      expect(live.figures.get(hub)?.isolated).toBe(true);

      const relation = model.addRelation(hub, leaf, { kind: 'collaboration' })!;
      await vi.advanceTimersByTimeAsync(FIGURES_DEBOUNCE_MS - 100);
      expect(worker.requests).toBe(1);
      await vi.advanceTimersByTimeAsync(200);
      expect(worker.requests).toBe(2);
      expect(live.figures.get(hub)?.degree).toBe(1);

      model.moveElements([{ id: hub, x: 50, y: 50 }]);
      model.updateActor(hub, { name: 'Hub city' });
      await vi.advanceTimersByTimeAsync(FIGURES_DEBOUNCE_MS * 2);
      expect(worker.requests).toBe(2);

      model.deleteElements([relation]);
      await vi.advanceTimersByTimeAsync(FIGURES_DEBOUNCE_MS + 10);
      expect(worker.requests).toBe(3);
      expect(live.figures.get(hub)?.isolated).toBe(true);
      live.stop();
      expect(live.figures.size).toBe(0);
    } finally {
      vi.useRealTimers();
    }
  });

  it('is warmed up before it is turned on, and the warm-up is never shown', async () => {
    const model = new BoardModel(new Y.Doc());
    const hub = model.addActor({ name: 'Hub', kind: 'municipality', x: 0, y: 0 });
    const worker = inPageWorker();
    let workersMade = 0;
    const live = new LiveFigures(model, 'board-1', () => {
      workersMade += 1;
      return worker;
    });
    let updates = 0;
    live.onUpdate(() => { updates += 1; });
    live.prepare();
    live.prepare();
    await Promise.resolve();
    expect(worker.warmUps).toBe(1);
    expect(live.running).toBe(false);
    expect(updates).toBe(0);
    expect(live.figures.size).toBe(0);

    live.start();
    await Promise.resolve();
    expect(workersMade).toBe(1);
    expect(worker.requests).toBe(1);
    expect(live.running).toBe(true);
    expect([...live.figures.keys()]).toEqual([hub]);
    live.stop();
    expect(live.running).toBe(false);
  });

  it('sends the relations in one order whatever order they were drawn in', async () => {
    const model = new BoardModel(new Y.Doc());
    const ids = ['a', 'b', 'c', 'd'].map((name) => model.addActor({ name, kind: 'other', x: 0, y: 0 }));
    for (const [from, to, direction] of [[3, 0, 'one_way'], [0, 1, 'none'], [2, 1, 'none'], [0, 1, 'one_way'], [1, 3, 'none']] as const) {
      model.addRelation(ids[from]!, ids[to]!, { direction });
    }
    const posted: WorkerRequest[] = [];
    const live = new LiveFigures(model, 'board-1', () => ({ onmessage: null, terminate() {}, postMessage: (message: WorkerRequest) => void posted.push(message) }));
    live.start();
    const keys = posted.at(-1)!.relations.map((r) => `${r.from} ${r.to} ${r.direction}`);
    expect(keys).toEqual([...keys].sort());
    expect(keys).toHaveLength(5);
    live.stop();
  });

  it('warms up the estimate on a large board and the exact figures on a small one', () => {
    const large = warmUpRequest(EXACT_BETWEENNESS_LIMIT + 500);
    expect(betweennessIsSampled(large.actorIds.length)).toBe(true);
    expect(large.actorIds.length).toBeLessThan(EXACT_BETWEENNESS_LIMIT + 500);
    const small = warmUpRequest(30);
    expect(betweennessIsSampled(small.actorIds.length)).toBe(false);
    expect(computeFigures(small).every((f) => f.degree >= 2)).toBe(true);
  });
});

describe('broker scores on a large map', () => {
  it('are estimated from a sample of start points above the limit, close to the exact value', () => {
    const actorIds = Array.from({ length: EXACT_BETWEENNESS_LIMIT + 101 }, (_, i) => `n${String(i).padStart(4, '0')}`);
    const relations: RelationEnds[] = actorIds.slice(1).map((id) => ({ from: actorIds[0], to: id, direction: 'none' as const }));
    expect(betweennessIsSampled(actorIds.length)).toBe(true);
    expect(betweennessIsSampled(EXACT_BETWEENNESS_LIMIT)).toBe(false);
    const figures = computeFigures({ actorIds, relations, seed: 'big' });
    // A star's hub has exactly 1; the estimate from 100 of 601 start points lands near it.
    expect(figures[0].betweenness).toBeGreaterThan(0.95);
    expect(figures[0].betweenness).toBeLessThan(1.05);
    expect(Math.max(...figures.slice(1).map((f) => f.betweenness))).toBe(0);
  });
});

describe('broker marks', () => {
  const figures = (scores: Record<string, number>) => new Map(Object.entries(scores).map(([actorId, betweenness]) => [actorId, {
    actorId, betweenness, degree: 1, inDegree: 0, outDegree: 0, isolated: false, component: 0, community: 0,
  }]));

  it('go to the three highest scores, never to a score of 0', () => {
    const ranks = brokerRanks(figures({ a: 0.1, b: 0.5, c: 0, d: 0.3, e: 0.2 }));
    expect(Object.fromEntries(ranks)).toEqual({ b: 1, d: 2, e: 3 });
    expect(brokerRanks(figures({ a: 0, b: 0 })).size).toBe(0);
  });

  it('show ties as ties', () => {
    const ranks = brokerRanks(figures({ a: 0.4, b: 0.4, c: 0.2, d: 0.1 }));
    expect(Object.fromEntries(ranks)).toEqual({ a: 1, b: 1, c: 3 });
  });
});
