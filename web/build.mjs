// Builds the browser UI: web/src → web/dist (app.js, app.css, index.html, favicon.svg).
import { build } from 'esbuild';
import { copyFileSync, mkdirSync, rmSync, statSync } from 'node:fs';
import { gzipSync } from 'node:zlib';
import { readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = dirname(fileURLToPath(import.meta.url));
const src = join(root, 'src');
const dist = join(root, 'dist');

rmSync(dist, { recursive: true, force: true });
mkdirSync(dist, { recursive: true });

await build({
  entryPoints: [join(src, 'main.jsx')],
  outfile: join(dist, 'app.js'), // imported CSS is written beside it as app.css
  bundle: true,
  minify: true,
  format: 'iife',
  target: ['es2020'],
  jsx: 'automatic',
  jsxImportSource: 'preact',
  legalComments: 'none',
  logLevel: 'warning',
});

for (const f of ['index.html', 'favicon.svg']) copyFileSync(join(src, f), join(dist, f));

const js = readFileSync(join(dist, 'app.js'));
const gz = gzipSync(js).length;
const css = statSync(join(dist, 'app.css')).size;
console.log(`web/dist: app.js ${(js.length / 1024).toFixed(1)} KB (${(gz / 1024).toFixed(1)} KB gzipped), app.css ${(css / 1024).toFixed(1)} KB`);
if (gz > 150 * 1024) {
  console.error('app.js is over the 150 KB gzipped budget');
  process.exit(1);
}
