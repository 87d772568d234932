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
  return files.map(f => JSON.parse(readFileSync(join(dir, f), 'utf8')))
}
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
    const d = load(s, server)
    if (!d) continue
    if (!d.ok) { out.push(`| ${s} | ${server} | failed: ${d.error} | | | | | | | | | | | |`); continue }
    out.push(`| ${s} | ${server} | ${fmt(d.delivered_updates_per_s, 0)} | ${d.lost_updates} (${fmt(d.lost_pct, 2)} %) | ${fmt(d.latency.p50_ms, 2)} | ${fmt(d.latency.p99_ms, 2)} | ${fmt(d.latency.max_ms, 1)} | ${fmt(d.awareness_messages_per_s, 0)} | ${fmt(d.awareness_entries_per_s, 0)} | ${fmt(d.server.cpu_s_load, 2)} | ${fmt(d.server.cpu_us_per_delivered_item, 2)} | ${fmt(mb(d.server.peak_rss_kb), 1)} | ${fmt(d.loadgen_cpu_s, 1)} | ${noise(d)} |`)
  }
}

out.push('\n### Cold load and join storm\n')
out.push('| scenario | server | result | server CPU s | peak RSS MB | other processes, % of a core | notes |')
out.push('|---|---|---:|---:|---:|---:|---|')
for (const server of servers) {
  const d = load('coldload', server)
  if (!d) continue
  if (!d.ok) { out.push(`| coldload | ${server} | failed: ${d.error} | | | | |`); continue }
  out.push(`| coldload | ${server} | median ${fmt(d.coldload_median_ms, 1)} ms (min ${fmt(d.coldload_min_ms, 1)}, max ${fmt(d.coldload_max_ms, 1)}, ${d.runs.length} runs) | ${fmt(d.server.cpu_s_loads, 2)} | ${fmt(mb(d.server.peak_rss_kb), 1)} | ${noise(d)} | step 2 received after ${fmt(d.step2_received_median_ms, 1)} ms (median); state ${fmt(d.state_bytes / 1e3, 0)} kB |`)
}
for (const server of servers) {
  const d = load('joinstorm', server)
  if (!d) continue
  if (!d.ok) { out.push(`| joinstorm | ${server} | failed: ${d.error} | | | | |`); continue }
  out.push(`| joinstorm | ${server} | last synced after ${fmt(d.last_synced_ms, 0)} ms (median ${fmt(d.median_synced_ms, 0)}; ${d.clients_synced}/${d.config.clients} synced) | ${fmt(d.server.cpu_s_storm, 2)} | ${fmt(mb(d.server.peak_rss_kb), 1)} | ${noise(d)} | state ${fmt(d.state_bytes / 1e6, 1)} MB; RSS before the storm ${fmt(mb(d.server.rss_before_storm_kb), 1)} MB${d.errors?.length ? '; errors: ' + d.errors.slice(0, 2).join('; ') : ''} |`)
}

// Targets from issue 2.
const rows = []
const target = (what, ok, detail) => rows.push(`| ${what} | ${ok === null ? 'not measured' : ok ? 'met' : '**not met**'} | ${detail} |`)
const K = s => load(s, 'kartta')
const R = s => load(s, 'reference')
const okd = d => d && d.ok
{
  const all = [...traffic].map(s => K(s)).filter(okd)
  const lost = all.map(d => `${d.scenario} ${d.lost_updates}`).join(', ')
  target('zero lost updates in every scenario (Kartta)', all.length === traffic.length ? all.every(d => d.lost_updates === 0) : null, lost || '–')
}
for (const s of ['workshop', 'scale50']) {
  const k = K(s); const r = R(s)
  const ok = okd(k) && okd(r) ? k.latency.p99_ms <= r.latency.p99_ms / 2 : null
  target(`${s}: p99 ≤ ½ of the reference's`, ok, `${fmt(k?.latency?.p99_ms, 2)} ms vs ${fmt(r?.latency?.p99_ms, 2)} ms (${ratio(k?.latency?.p99_ms, r?.latency?.p99_ms)})`)
}
{
  const k = K('plenary')
  target('plenary: p99 < 10 ms', okd(k) ? k.latency.p99_ms < 10 : null, `${fmt(k?.latency?.p99_ms, 2)} ms`)
  const ks = K('scale')
  target('scale: p99 < 150 ms', okd(ks) ? ks.latency.p99_ms < 150 : null, `${fmt(ks?.latency?.p99_ms, 2)} ms`)
}
for (const s of traffic) {
  const k = K(s); const r = R(s)
  const kc = k?.server?.cpu_us_per_delivered_item; const rc = r?.server?.cpu_us_per_delivered_item
  target(`${s}: server CPU per delivered item ≤ ⅓ of the reference's`, okd(k) && okd(r) && kc != null && rc != null ? kc <= rc / 3 : null, `${fmt(kc, 2)} µs vs ${fmt(rc, 2)} µs (${ratio(kc, rc)})`)
}
for (const s of [...traffic, 'coldload', 'joinstorm']) {
  const k = K(s); const r = R(s)
  const kr = k?.server?.peak_rss_kb; const rr = r?.server?.peak_rss_kb
  target(`${s}: peak RSS below the reference's`, okd(k) && okd(r) && kr && rr ? kr < rr : null, `${fmt(mb(kr), 1)} MB vs ${fmt(mb(rr), 1)} MB`)
}
{
  const k = K('coldload'); const r = R('coldload')
  target('coldload ≤ ½ of the reference\'s time', okd(k) && okd(r) ? k.coldload_median_ms <= r.coldload_median_ms / 2 : null, `${fmt(k?.coldload_median_ms, 1)} ms vs ${fmt(r?.coldload_median_ms, 1)} ms (${ratio(k?.coldload_median_ms, r?.coldload_median_ms)})`)
  const kj = K('joinstorm'); const rj = R('joinstorm')
  const allSynced = okd(kj) && kj.clients_synced === kj.config.clients
  target('join storm ≥ 5× faster than the reference', okd(kj) && okd(rj) ? allSynced && kj.last_synced_ms * 5 <= rj.last_synced_ms : null, `${fmt(kj?.last_synced_ms, 0)} ms vs ${fmt(rj?.last_synced_ms, 0)} ms (${ratio(rj?.last_synced_ms, kj?.last_synced_ms)} faster)`)
}
out.push('\n### Targets (issue 2)\n')
out.push('| target | status | Kartta vs reference |')
out.push('|---|---|---|')
out.push(...rows)
console.log(out.join('\n'))
