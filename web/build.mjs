// build.mjs - bundles the web interface into dist/ with esbuild.
//   node build.mjs            production build (minified)
//   node build.mjs --dev      readable output with source maps
// Copies src/index.html (with a content hash for cache busting),
// src/favicon.svg and everything in public/ (if present) into dist/.
import * as esbuild from 'esbuild';
import { createHash } from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const here = path.dirname(fileURLToPath(import.meta.url));
const dev = process.argv.includes('--dev');
const src = path.join(here, 'src');
const dist = path.join(here, 'dist');

fs.rmSync(dist, { recursive: true, force: true });
fs.mkdirSync(dist, { recursive: true });

const result = await esbuild.build({
  entryPoints: { app: path.join(src, 'main.js') },
  bundle: true,
  format: 'esm',
  target: ['es2020', 'chrome100', 'firefox100', 'safari15'],
  outdir: dist,
  minify: !dev,
  sourcemap: dev ? 'linked' : false,
  legalComments: 'none',
  metafile: true,
  logLevel: 'warning',
  define: { 'process.env.NODE_ENV': dev ? '"development"' : '"production"' },
});

const hash = createHash('sha256');
for (const f of ['app.js', 'app.css']) hash.update(fs.readFileSync(path.join(dist, f)));
const v = hash.digest('hex').slice(0, 12);
const html = fs.readFileSync(path.join(src, 'index.html'), 'utf8').replaceAll('__V__', v);
fs.writeFileSync(path.join(dist, 'index.html'), html);
fs.copyFileSync(path.join(src, 'favicon.svg'), path.join(dist, 'favicon.svg'));

// Static pages of other rooms (e.g. public/hoi-dap.html, the citizens' page) go in as they are.
const pub = path.join(here, 'public');
if (fs.existsSync(pub)) fs.cpSync(pub, dist, { recursive: true });

const sizes = Object.entries(result.metafile.outputs)
  .map(([f, o]) => `${path.basename(f)} ${(o.bytes / 1024).toFixed(1)} KiB`)
  .join(', ');
console.log(`web: dist/ built (${sizes})`);
