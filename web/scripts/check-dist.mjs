// Fails when the committed dist/ is not what `npm run build` makes from the current sources.
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readdirSync, readFileSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, relative, resolve, dirname } from 'node:path';
import { fileURLToPath } from 'node:url';

const web = resolve(dirname(fileURLToPath(import.meta.url)), '..');
const fresh = mkdtempSync(join(tmpdir(), 'kartta-dist-'));
const files = (dir) => readdirSync(dir).flatMap((name) => {
  const path = join(dir, name);
  return statSync(path).isDirectory() ? files(path) : [path];
});
try {
  execFileSync(process.execPath, [resolve(web, 'node_modules/vite/bin/vite.js'), 'build', '--outDir', fresh, '--emptyOutDir', '--logLevel', 'warn'], { cwd: web, stdio: 'inherit' });
  const want = new Map(files(fresh).map((p) => [relative(fresh, p), readFileSync(p)]));
  const have = new Map(files(resolve(web, 'dist')).map((p) => [relative(resolve(web, 'dist'), p), readFileSync(p)]));
  const stale = [...new Set([...want.keys(), ...have.keys()])].filter((k) => !want.get(k)?.equals(have.get(k) ?? Buffer.alloc(0)) || !have.has(k));
  if (stale.length > 0) {
    console.error(`web/dist is stale (${stale.join(', ')}): run \`npm run build\` in web/ and commit web/dist.`);
    process.exit(1);
  }
  console.log('web/dist matches the sources');
} finally {
  rmSync(fresh, { recursive: true, force: true });
}
