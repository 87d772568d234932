// Makes the tables of bench/nodes.sh's summary from its JSON reports: per part and
// configuration, the median of the repeats and their range (min–max), with the load average
// measured beside each run.
//
//   node bench/nodes-report.mjs bench/results/nodes > bench/results/nodes/summary.md
import { readdirSync, readFileSync } from 'node:fs'
import { join } from 'node:path'

const dir = process.argv[2] || 'bench/results/nodes'
const runs = {}
for (const file of readdirSync(dir).filter((f) => /^[a-z0-9]+-[a-z0-9]+\.\d+\.json$/.test(f)).sort()) {
  const [, part, config] = /^([a-z0-9]+)-([a-z0-9]+)\./.exec(file)
  const report = JSON.parse(readFileSync(join(dir, file), 'utf8'))
  ;((runs[part] ??= {})[config] ??= []).push(report)
}

const median = (values) => {
  const v = values.filter((x) => typeof x === 'number').sort((a, b) => a - b)
  if (v.length === 0) return null
  return v.length % 2 ? v[(v.length - 1) / 2] : (v[v.length / 2 - 1] + v[v.length / 2]) / 2
}
const fmt = (x, digits = 2) => (x == null ? '–' : Number(x).toFixed(digits))
// The median, and the range when there are several runs.
const cell = (reports, pick, digits = 2) => {
  const values = reports.map(pick).filter((x) => typeof x === 'number')
  if (values.length === 0) return '–'
  const m = fmt(median(values), digits)
  if (values.length === 1) return m
  return `${m} (${fmt(Math.min(...values), digits)}–${fmt(Math.max(...values), digits)})`
}
const loads = (reports) => reports.map((r) => (r.loadavg_before || '?').split(' ')[0]).join(', ')
const okCount = (reports) => `${reports.filter((r) => r.ok).length}/${reports.length}`
const configName = { sqlite1: '1 node, SQLite', pg1: '1 node, PG+Redis', pg2: '2 nodes', pg3: '3 nodes' }
const out = []
const say = (line = '') => out.push(line)

for (const part of ['scale', 'scale50']) {
  if (!runs[part]) continue
  say(`### ${part} (${part === 'scale' ? 200 : 50} boards × 8 clients), medians of ${Math.max(...Object.values(runs[part]).map((r) => r.length))} runs (min–max)`)
  say()
  say('| configuration | runs ok | delivered updates/s | lost | boards diverged | p50 ms | p99 ms | same-node p99 ms | cross-node p99 ms | cross / same p99 | nodes CPU µs per item | PostgreSQL CPU s (µs per item) | Redis CPU s (µs per item) | load average at start |')
  say('|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---|')
  for (const config of ['sqlite1', 'pg1', 'pg2', 'pg3']) {
    const r = runs[part][config]
    if (!r) continue
    const service = (name) => `${cell(r, (x) => x.services?.[name]?.cpu_s_load)} (${cell(r, (x) => x.services?.[name]?.cpu_us_per_delivered_item, 1)})`
    say(`| ${configName[config]} | ${okCount(r)} | ${cell(r, (x) => x.delivered_updates_per_s, 0)} | ${cell(r, (x) => x.lost_updates, 0)} | ${cell(r, (x) => x.boards_diverged, 0)} | ${cell(r, (x) => x.latency?.p50_ms)} | ${cell(r, (x) => x.latency?.p99_ms)} | ${cell(r, (x) => x.latency_same_node?.p99_ms)} | ${cell(r, (x) => x.latency_cross_node?.p99_ms)} | ${cell(r, (x) => x.cross_over_same_node_p99)} | ${cell(r, (x) => x.server?.cpu_us_per_delivered_item, 1)} | ${config === 'sqlite1' ? '–' : service('postgres')} | ${config === 'sqlite1' ? '–' : service('redis')} | ${loads(r)} |`)
  }
  say()
}

if (runs.coldload || runs.joinstorm) {
  say('### Cold load and join storm: one node, and node 3 of 3 that does not hold the board (state from PostgreSQL)')
  say()
  say('| scenario | configuration | runs ok | result, ms (median of runs; min–max) | first read / first joiner, ms | nodes CPU s | load average at start |')
  say('|---|---|---:|---|---:|---:|---|')
  for (const config of ['sqlite1', 'pg3']) {
    const r = runs.coldload?.[config]
    if (r) say(`| coldload | ${configName[config]}${config === 'pg3' ? ', every read cold on node 3' : ', room loaded'} | ${okCount(r)} | median ${cell(r, (x) => x.coldload_median_ms, 1)}; step 2 received ${cell(r, (x) => x.step2_received_median_ms, 1)} | ${cell(r, (x) => x.first_read_ms, 1)} | ${cell(r, (x) => x.server?.cpu_s_loads)} | ${loads(r)} |`)
  }
  for (const config of ['sqlite1', 'pg3']) {
    const r = runs.joinstorm?.[config]
    if (r) say(`| joinstorm | ${configName[config]}${config === 'pg3' ? ', joiners on node 3' : ''} | ${okCount(r)} | last synced ${cell(r, (x) => x.last_synced_ms, 0)}; median ${cell(r, (x) => x.median_synced_ms, 0)}; ${cell(r, (x) => x.clients_synced, 0)} synced | ${cell(r, (x) => x.first_synced_ms, 0)} | ${cell(r, (x) => x.server?.cpu_s_storm)} | ${loads(r)} |`)
  }
  say()
}

if (runs.failover) {
  const r = runs.failover.pg3
  say('### Failover: 50 boards × 8 clients on node 1 of 3, node 1 SIGKILLed 8 s into the load')
  say()
  say('| runs ok | clients disconnected | synced again | of them confirmed by peers | all synced again after, ms | p50 ms | p99 ms | lost updates | boards diverged | boards not stored as seen | load average at start |')
  say('|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---|')
  say(`| ${okCount(r)} | ${cell(r, (x) => x.failover?.clients_disconnected, 0)} | ${cell(r, (x) => x.failover?.clients_synced_again, 0)} | ${cell(r, (x) => x.failover?.clients_confirmed_by_peers, 0)} | ${cell(r, (x) => x.failover?.all_synced_again_ms, 0)} | ${cell(r, (x) => x.failover?.synced_again_p50_ms, 0)} | ${cell(r, (x) => x.failover?.synced_again_p99_ms, 0)} | ${cell(r, (x) => x.lost_updates, 0)} | ${cell(r, (x) => x.boards_diverged, 0)} | ${cell(r, (x) => x.boards_not_stored, 0)} | ${loads(r)} |`)
  say()
}

const failures = Object.entries(runs).flatMap(([part, byConfig]) =>
  Object.entries(byConfig).flatMap(([config, reports]) =>
    reports.filter((x) => !x.ok).map((x) => `- ${part} on ${config}: ${x.error ?? 'failed'}`)))
if (failures.length) {
  say('Failed runs:')
  say()
  for (const f of failures) say(f)
}
console.log(out.join('\n'))
