// Builds ../served/plotly-lab.min.js with plotly.js's own esbuild settings (its esbuild-config.js),
// minified, and ../served/plotly-lab.json: the version, the traces and the file's SHA-256.
import { createHash } from 'node:crypto';
import { readFileSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import * as esbuild from 'esbuild';
import { environmentPlugin } from 'esbuild-plugin-environment';
import { glsl } from 'esbuild-plugin-glsl';

const require = createRequire(import.meta.url);
const InlineCSSPlugin = require('esbuild-plugin-inline-css');
const version = require('plotly.js/package.json').version;
const traces = ['scatter', ...[...readFileSync('entry.js', 'utf8').matchAll(/lib\/(\w+)'\)/g)]
    .map((m) => m[1]).filter((name) => name !== 'core')];
const outfile = '../served/plotly-lab.min.js';

await esbuild.build({
    entryPoints: ['entry.js'],
    outfile,
    format: 'iife',
    globalName: 'Plotly',
    bundle: true,
    minify: true,
    legalComments: 'none',
    banner: {
        js: `/* plotly.js v${version} (MIT, Copyright Plotly, Inc.), partial bundle for Activation Lab: ` +
            `${traces.join(', ')}. Built by ui/plotly/bundle/build.mjs. */`,
    },
    plugins: [InlineCSSPlugin(), glsl({ minify: true }), environmentPlugin({ NODE_DEBUG: false })],
    alias: { regl: '@plotly/regl', stream: 'stream-browserify' },
    define: { global: 'window', 'define.amd': 'false' },
    target: 'es2016',
    logLevel: 'warning',
});
const sha256 = createHash('sha256').update(readFileSync(outfile)).digest('hex');
writeFileSync('../served/plotly-lab.json', JSON.stringify({ plotly_js: version, traces, sha256 }, null, 2) + '\n');
console.log(`plotly.js ${version}: ${traces.join(', ')} -> ${outfile}`);
