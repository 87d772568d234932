// Turns bench/results/<scenario>-<server>.json into the markdown tables of BENCHMARKS.md:
// the figures side by side, and the issue's targets with met / not met. Repeated runs
// (<scenario>-<server>.<n>.json, REPEATS=n in bench/run.sh) give one table of medians and
// spreads with a column per server.
//   node bench/report.mjs bench/results > bench/results/summary.md
import { readFileSync, existsSync, readdirSync } from 'node:fs'
import { join } from 'node:path'

const dir = process.argv[2] || 'bench/results'
const load = (scenario, server) => {
  const p = join(dir, `${scenario}-${server}.json`)
  return existsSync(p) ? JSON.parse(readFileSync(p, 'utf8')) : null
}
const fmt = (v, digits = 1) => (v === null || v === undefined || Number.isNaN(v)) ? '–' : (typeof v === 'number' ? v.toFixed(digits) : String(v))
const mb = kb => kb == null ? null : kb / 1024
const noise = d => (d.other_processes_cpu_s == null || !d.wall_s) ? '–' : `${Math.max(0, Math.round(100 * d.other_processes_cpu_s / d.wall_s))}`
const ratio = (k, r) => (k == null || r == null || r === 0) ? '–' : `${(k / r).toFixed(2)}×`

const traffic = ['workshop', 'scale50', 'scale', 'plenary']
const servers = ['kartta-base', 'kartta', 'reference', 'ysweet', 'hocuspocus']
const out = []

// Every run of a scenario on a server: the repeats if there are any, else the single run.
const runs = (scenario, server) => {
  const repeat = new RegExp(`^${scenario}-${server}\\.(\\d+)\\.json$`)
  const files = existsSync(dir) ? readdirSync(dir).filter(f => repeat.test(f)) : []
  if (files.length === 0) { const d = load(scenario, server); return d ? [d] : [] }
  return files
    .map(f => ({ f, n: Number(repeat.exec(f)[1]) }))
    .sort((a, b) => a.n - b.n)
    .map(({ f, n }) => ({ ...JSON.parse(readFileSync(join(dir, f), 'utf8')), repeat: n }))
}
// A run's row label: the server, and which repeat when there were several.
const label = (server, d) => d.repeat ? `${server} #${d.repeat}` : server
const median = values => {
  const v = [...values].sort((a, b) => a - b)
  return v.length % 2 ? v[(v.length - 1) / 2] : (v[v.length / 2 - 1] + v[v.length / 2]) / 2
}
// "median (min–max)" of the figure over the successful runs; failed runs are named, not hidden.
const spread = (list, figure, digits) => {
  const good = list.filter(d => d.ok)
  const values = good.map(figure).filter(v => typeof v === 'number')
  const failed = list.length - good.length
  if (values.length === 0) return failed ? `failed ×${failed}` : '–'
  const range = values.length > 1 ? ` (${fmt(Math.min(...values), digits)}–${fmt(Math.max(...values), digits)})` : ''
  return `${fmt(median(values), digits)}${range}${failed ? `, failed ×${failed}` : ''}`
}
{
  const present = servers.filter(server => [...traffic, 'coldload', 'joinstorm'].some(s => runs(s, server).length))
  const figures = [
    ['p99 ms', d => d.latency?.p99_ms, 2],
    ['server CPU µs per delivered item', d => d.server?.cpu_us_per_delivered_item, 2],
    ['peak RSS MB', d => mb(d.server?.peak_rss_kb), 1],
    ['lost updates', d => d.lost_updates, 0],
  ]
  out.push('### Side by side: median (min–max) over the runs\n')
  out.push(`| scenario | figure | runs | ${present.join(' | ')} |`)
  out.push(`|---|---|---:|${present.map(() => '---:').join('|')}|`)
  for (const s of traffic) {
    const lists = present.map(server => runs(s, server))
    if (lists.every(l => l.length === 0)) continue
    const n = Math.max(...lists.map(l => l.length))
    for (const [name, figure, digits] of figures) {
      out.push(`| ${s} | ${name} | ${n} | ${lists.map(l => spread(l, figure, digits)).join(' | ')} |`)
    }
  }
  out.push('')
}
out.push('### Steady traffic\n')
out.push('| scenario | server | delivered updates/s | lost updates | p50 ms | p99 ms | max ms | awareness msgs/s | awareness entries/s | server CPU s | CPU µs per delivered item | peak RSS MB | loadgen CPU s | other processes, % of a core |')
out.push('|---|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|')
for (const s of traffic) {
  for (const server of servers) {
    for (const d of runs(s, server)) {
      const who = label(server, d)
      if (!d.ok) { out.push(`| ${s} | ${who} | failed: ${d.error} | | | | | | | | | | | |`); continue }
      out.push(`| ${s} | ${who} | ${fmt(d.delivered_updates_per_s, 0)} | ${d.lost_updates} (${fmt(d.lost_pct, 2)} %) | ${fmt(d.latency.p50_ms, 2)} | ${fmt(d.latency.p99_ms, 2)} | ${fmt(d.latency.max_ms, 1)} | ${fmt(d.awareness_messages_per_s, 0)} | ${fmt(d.awareness_entries_per_s, 0)} | ${fmt(d.server.cpu_s_load, 2)} | ${fmt(d.server.cpu_us_per_delivered_item, 2)} | ${fmt(mb(d.server.peak_rss_kb), 1)} | ${fmt(d.loadgen_cpu_s, 1)} | ${noise(d)} |`)
    }
  }
}

out.push('\n### Cold load and join storm\n')
out.push('| scenario | server | result | server CPU s | peak RSS MB | other processes, % of a core | notes |')
out.push('|---|---|---:|---:|---:|---:|---|')
for (const server of servers) {
  for (const d of runs('coldload', server)) {
    const who = label(server, d)
    if (!d.ok) { out.push(`| coldload | ${who} | failed: ${d.error} | | | | |`); continue }
    out.push(`| coldload | ${who} | median ${fmt(d.coldload_median_ms, 1)} ms (min ${fmt(d.coldload_min_ms, 1)}, max ${fmt(d.coldload_max_ms, 1)}, ${d.runs.length} runs) | ${fmt(d.server.cpu_s_loads, 2)} | ${fmt(mb(d.server.peak_rss_kb), 1)} | ${noise(d)} | step 2 received after ${fmt(d.step2_received_median_ms, 1)} ms (median); state ${fmt(d.state_bytes / 1e3, 0)} kB |`)
  }
}
for (const server of servers) {
  for (const d of runs('joinstorm', server)) {
    const who = label(server, d)
    if (!d.ok) { out.push(`| joinstorm | ${who} | failed: ${d.error} | | | | |`); continue }
    out.push(`| joinstorm | ${who} | last synced after ${fmt(d.last_synced_ms, 0)} ms (median ${fmt(d.median_synced_ms, 0)}; ${d.clients_synced}/${d.config.clients} synced) | ${fmt(d.server.cpu_s_storm, 2)} | ${fmt(mb(d.server.peak_rss_kb), 1)} | ${noise(d)} | state ${fmt(d.state_bytes / 1e6, 1)} MB; RSS before the storm ${fmt(mb(d.server.rss_before_storm_kb), 1)} MB${d.errors?.length ? '; errors: ' + d.errors.slice(0, 2).join('; ') : ''} |`)
  }
}
// The targets, judged on the median of every figure over the runs (a single run is its own median),
// so that REPEATS=n decides on the same numbers as the side-by-side table.
const rows = []
const target = (what, ok, detail) => rows.push(`| ${what} | ${ok === null ? 'not measured' : ok ? 'met' : '**not met**'} | ${detail} |`)
const figure = (scenario, server, pick) => {
  const list = runs(scenario, server)
  if (list.length === 0 || list.some(d => !d.ok)) return null
  const values = list.map(pick)
  return values.every(v => typeof v === 'number') ? median(values) : null
}
const P99 = d => d.latency?.p99_ms
const CPU = d => d.server?.cpu_us_per_delivered_item
const RSS = d => d.server?.peak_rss_kb
const both = (a, b) => a != null && b != null
{
  const lost = traffic.map(s => [s, runs(s, 'kartta')]).filter(([, l]) => l.length)
  const measured = lost.length === traffic.length && lost.every(([, l]) => l.every(d => d.ok))
  const total = ([, l]) => l.reduce((sum, d) => sum + (d.lost_updates ?? 0), 0)
  target('zero lost updates in every scenario (Kartta, every run)', measured ? lost.every(entry => total(entry) === 0) : null, lost.map(entry => `${entry[0]} ${total(entry)}`).join(', ') || '–')
}
for (const s of ['workshop', 'scale50']) {
  const k = figure(s, 'kartta', P99); const r = figure(s, 'reference', P99)
  target(`${s}: p99 ≤ ½ of the reference's`, both(k, r) ? k <= r / 2 : null, `${fmt(k, 2)} ms vs ${fmt(r, 2)} ms (${ratio(k, r)})`)
}
{
  const k = figure('plenary', 'kartta', P99)
  target('plenary: p99 < 10 ms', k != null ? k < 10 : null, `${fmt(k, 2)} ms`)
  const ks = figure('scale', 'kartta', P99)
  target('scale: p99 < 150 ms', ks != null ? ks < 150 : null, `${fmt(ks, 2)} ms`)
}
for (const s of traffic) {
  const k = figure(s, 'kartta', CPU); const r = figure(s, 'reference', CPU)
  target(`${s}: server CPU per delivered item ≤ ⅓ of the reference's`, both(k, r) ? k <= r / 3 : null, `${fmt(k, 2)} µs vs ${fmt(r, 2)} µs (${ratio(k, r)})`)
}
for (const s of [...traffic, 'coldload', 'joinstorm']) {
  const k = figure(s, 'kartta', RSS); const r = figure(s, 'reference', RSS)
  target(`${s}: peak RSS below the reference's`, both(k, r) ? k < r : null, `${fmt(mb(k), 1)} MB vs ${fmt(mb(r), 1)} MB`)
}
{
  const k = figure('coldload', 'kartta', d => d.coldload_median_ms); const r = figure('coldload', 'reference', d => d.coldload_median_ms)
  target('coldload ≤ ½ of the reference\'s time', both(k, r) ? k <= r / 2 : null, `${fmt(k, 1)} ms vs ${fmt(r, 1)} ms (${ratio(k, r)})`)
  const allSynced = runs('joinstorm', 'kartta').every(d => d.ok && d.clients_synced === d.config.clients)
  const kj = figure('joinstorm', 'kartta', d => d.last_synced_ms); const rj = figure('joinstorm', 'reference', d => d.last_synced_ms)
  target('join storm ≥ 5× faster than the reference', both(kj, rj) ? allSynced && kj * 5 <= rj : null, `${fmt(kj, 0)} ms vs ${fmt(rj, 0)} ms (${ratio(rj, kj)} faster)`)
}
out.push('\n### Targets (issue 2): Kartta against the reference, medians over the runs\n')
out.push('| target | status | Kartta vs reference |')
out.push('|---|---|---|')
out.push(...rows)

// Issue 12: against the best of the peers that were measured (reference, y-sweet, Hocuspocus).
const peers = ['reference', 'ysweet', 'hocuspocus']
const best = (s, pick) => {
  const measured = peers.map(server => [server, figure(s, server, pick)]).filter(([, v]) => v != null)
  return measured.length ? measured.reduce((a, b) => (b[1] < a[1] ? b : a)) : null
}
const peerRows = []
const peerTarget = (what, s, pick, limit, unit, digits, scale = v => v) => {
  const k = figure(s, 'kartta', pick); const b = best(s, pick)
  const ok = k != null && b ? k <= limit * b[1] : null
  peerRows.push(`| ${what} | ${ok === null ? 'not measured' : ok ? 'met' : '**not met**'} | ${fmt(scale(k), digits)} ${unit} vs ${b ? `${fmt(scale(b[1]), digits)} ${unit} (${b[0]})` : '–'} (${b ? ratio(k, b[1]) : '–'}) |`)
}
for (const s of ['workshop', 'scale50']) peerTarget(`${s}: p99 ≤ ½ of the best peer's`, s, P99, 0.5, 'ms', 2)
for (const s of traffic) peerTarget(`${s}: CPU per delivered item ≤ the lowest peer's`, s, CPU, 1, 'µs', 2)
for (const s of ['workshop', 'scale50']) peerTarget(`${s}: peak RSS ≤ the lowest peer's`, s, RSS, 1, 'MB', 1, mb)
if (peerRows.some(row => !row.includes('not measured |'))) {
  out.push('\n### Targets (issue 12): Kartta against the best peer measured, medians over the runs\n')
  out.push('| target | status | Kartta vs the best peer |')
  out.push('|---|---|---|')
  out.push(...peerRows)
}
console.log(out.join('\n'))
