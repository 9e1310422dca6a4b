/** Installed versions of the libraries being compared, for the environment header. */
import { createRequire } from 'node:module';
import { existsSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const here = typeof __filename === 'string' ? __filename : fileURLToPath(import.meta.url);
const requireHere = createRequire(here);

/**
 * The version in `name`'s package.json, found by walking up from its resolved entry point
 * (some packages do not export ./package.json). 'unknown' when it cannot be resolved.
 */
export function libraryVersion(name: string): string {
  let entry: string;
  try {
    entry = requireHere.resolve(name);
  } catch {
    return 'unknown';
  }
  for (let dir = dirname(entry); dir !== dirname(dir); dir = dirname(dir)) {
    const file = join(dir, 'package.json');
    if (!existsSync(file)) continue;
    try {
      const pkg = JSON.parse(readFileSync(file, 'utf8')) as { name?: string; version?: string };
      if (pkg.name === name && pkg.version) return pkg.version;
    } catch {
      // an unreadable package.json on the way up is not this package's; keep walking
    }
  }
  return 'unknown';
}
