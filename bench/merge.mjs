// Times `POST /api/workshops/{id}/merge` on a real server: a workshop of 45 personal boards with
// 40 actors and 60 relations each (imported as JSON), merged 15 times; prints the median and
// fastest answer time. The rooms are loaded (the import loaded them), as during a workshop day.
//
// Usage: node bench/merge.mjs   (KARTTA_BIN defaults to target/release/kartta)
import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createInterface } from 'node:readline';

const BOARDS = 45;
const ACTORS = 40;
const RELATIONS = 60;
const REPEATS = 15;
const binary = process.env.KARTTA_BIN ?? new URL('../target/release/kartta', import.meta.url).pathname;

// The region's organisations in the spellings people use, and numbered local ones.
const ORGANISATIONS = [
  ['Turun kaupunki', 'Turku', 'Åbo stad'], ['Kaarina', 'S:t Karins'], ['Parainen', 'Pargas'],
  ['Naantali', 'Nådendal'], ['Raisio', 'Raision kaupunki'], ['Salo'], ['Lieto', 'Liedon kunta'],
  ['Varsinais-Suomen liitto', 'Egentliga Finlands förbund', 'VSL'], ['Varsinais-Suomen hyvinvointialue'],
  ['Varsinais-Suomen ELY-keskus'], ['Turun yliopisto', 'University of Turku'], ['Åbo Akademi'],
  ['Turun ammattikorkeakoulu', 'Turku AMK'], ['Varsinais-Suomen Yrittäjät'], ['Sinapsi ry', 'Sinapsi'],
];
let seed = 2026;
const random = (bound) => {
  seed = (seed * 1103515245 + 12345) % 2147483648;
  // The high bits: the low bits of this generator repeat quickly.
  return Math.floor(seed / 65536) % bound;
};
const nameOf = (index) => {
  if (index < ORGANISATIONS.length) {
    const spellings = ORGANISATIONS[index];
    return spellings[random(spellings.length)];
  }
  return `Paikallinen yhdistys ${index} ry`;
};

function board(number) {
  const chosen = new Set();
  while (chosen.size < ACTORS) chosen.add(random(90));
  const actors = [...chosen].map((index, position) => ({
    id: `a${number}-${position}`, name: nameOf(index), kind: 'other',
    x: random(1800) - 900, y: random(1800) - 900,
    description: '', tags: [], alias: '', influence: null, stance: null, isPerson: false,
  }));
  const kinds = ['collaboration', 'information', 'funding', 'agreement'];
  const strengths = ['weak', 'normal', 'strong'];
  const relations = Array.from({ length: RELATIONS }, (_, index) => ({
    id: `r${number}-${index}`, from: actors[random(ACTORS)].id, to: actors[random(ACTORS)].id,
    kind: kinds[random(4)], label: '', direction: 'none', strength: strengths[random(3)],
    coordination: null, status: 'existing',
  }));
  return {
    format: 'kartta-board', version: 1,
    meta: { title: '', template: 'rings', locale: 'fi', locked: false, timerEndsAt: null, presenting: null },
    actors, relations, notes: [], strokes: [],
  };
}

async function start() {
  const dataDir = mkdtempSync(join(tmpdir(), 'kartta-merge-bench-'));
  const child = spawn(binary, ['serve', '--listen', '127.0.0.1:0', '--data-dir', dataDir], {
    stdio: ['ignore', 'pipe', 'inherit'], env: { ...process.env, KARTTA_LOG: 'warn' },
  });
  const line = await new Promise((resolve, reject) => {
    createInterface({ input: child.stdout }).once('line', resolve);
    child.once('exit', () => reject(new Error('the server exited')));
  });
  return { child, dataDir, base: `http://127.0.0.1:${line.split(':').pop().trim()}` };
}

async function call(base, method, path, token, body) {
  const response = await fetch(base + path, {
    method,
    headers: { 'content-type': 'application/json', ...(token ? { authorization: `Bearer ${token}` } : {}) },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  if (!response.ok) throw new Error(`${method} ${path}: ${response.status} ${await response.text()}`);
  return response.json();
}

const server = await start();
try {
  const names = Array.from({ length: BOARDS }, (_, index) => `Osallistuja ${index + 1}`);
  const created = await call(server.base, 'POST', '/api/workshops', null, {
    title: 'Foorumi', locale: 'fi', template: 'rings', groupCount: 0, personalBoards: names,
  });
  const token = created.tokens.facilitator;
  const boardIds = created.workshop.boards.map((b) => b.id);
  for (const [index, id] of boardIds.entries()) {
    await call(server.base, 'POST', `/api/boards/${id}/import`, token, board(index));
  }
  const times = [];
  let answer;
  for (let repeat = 0; repeat < REPEATS; repeat++) {
    const began = performance.now();
    answer = await call(server.base, 'POST', `/api/workshops/${created.workshop.id}/merge`, token, { boardIds, title: `Yhdistelmä ${repeat}` });
    times.push(performance.now() - began);
  }
  times.sort((a, b) => a - b);
  console.log(`${BOARDS} boards × ${ACTORS} actors, ${RELATIONS} relations → ${answer.actors} actors, ${answer.relations} relations`);
  console.log(`POST …/merge: median ${times[Math.floor(times.length / 2)].toFixed(1)} ms, fastest ${times[0].toFixed(1)} ms of ${REPEATS}`);
} finally {
  server.child.kill();
  rmSync(server.dataDir, { recursive: true, force: true });
}
