/** One KeyspacePrefix per keyspace name, made once and shared by reads and writes. */
import { KeyspacePrefix } from './keyspace-prefix.js';

export class KeyspacePrefixes {
  readonly #byName = new Map<string, KeyspacePrefix>();

  /** The prefix of a keyspace whose name has already been validated. */
  get(name: string): KeyspacePrefix {
    let prefix = this.#byName.get(name);
    if (!prefix) {
      prefix = new KeyspacePrefix(name);
      this.#byName.set(name, prefix);
    }
    return prefix;
  }
}
