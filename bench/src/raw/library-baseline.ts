/** The raw row of an installed library: the ratio's denominator, labelled with its version. */
import type { KvDriver, OpenOptions, Subject } from '../driver.js';
import { libraryVersion } from '../versions.js';

export function libraryBaseline(library: string, note: string, open: (options: OpenOptions) => Promise<KvDriver>): Subject<KvDriver> {
  return { variant: 'raw', role: 'primary', label: `${library} ${libraryVersion(library)}`, note, open };
}
