/**
 * The browser builds of vega, vega-lite and vega-embed, copied next to the report so its interactive
 * figures work offline (file://, no network). The packages do not export their build folders, so the
 * files are found from each package's resolved entry point, walking up to its package.json.
 */
import { existsSync, readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { writeFileAtomic } from '../node/safe-write.js';
import { VENDOR_SCRIPTS } from './html.js';

const SOURCES: [pkg: string, file: string][] = [
  ['vega', 'build/vega.min.js'],
  ['vega-lite', 'build/vega-lite.min.js'],
  ['vega-embed', 'build/vega-embed.min.js'],
];

function packageRoot(pkg: string): string {
  let dir = dirname(createRequire(import.meta.url).resolve(pkg));
  for (let i = 0; i < 8; i++) {
    const manifest = join(dir, 'package.json');
    if (existsSync(manifest) && (JSON.parse(readFileSync(manifest, 'utf8')) as { name?: string }).name === pkg)
      return dir;
    dir = dirname(dir);
  }
  throw new Error(`cannot find the package folder of ${pkg}`);
}

/** Copy the three builds into DIR/vendor/, through the safe writer like every other report file. */
export function copyVendorScripts(dir: string): void {
  SOURCES.forEach(([pkg, file], i) => {
    writeFileAtomic(join(dir, VENDOR_SCRIPTS[i]), readFileSync(join(packageRoot(pkg), file)), {
      what: 'report script',
    });
  });
}
