import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';

/**
 * The installed version of `name`, resolved from the file at `fromUrl` (pass import.meta.url), by walking up
 * from its entry point to its package.json (many packages do not export ./package.json).
 */
export function packageVersion(name: string, fromUrl: string): string {
  const require = createRequire(fromUrl);
  try {
    return (require(`${name}/package.json`) as { version: string }).version;
  } catch {
    // ./package.json is not exported: find it from the entry point below
  }
  let dir = dirname(require.resolve(name));
  for (;;) {
    try {
      const pkg = JSON.parse(readFileSync(join(dir, 'package.json'), 'utf8')) as {
        name?: string;
        version?: string;
      };
      if (pkg.name === name && pkg.version) return pkg.version;
    } catch {
      // no package.json at this level
    }
    const parent = dirname(dir);
    if (parent === dir) throw new Error(`cannot find the package.json of ${name}`);
    dir = parent;
  }
}
