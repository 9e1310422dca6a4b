/**
 * The keyspace registry: the 2-byte id of each keyspace name, stored in the database under
 * the reserved meta prefix 0x00 (`0x00 'k' name` -> id) and loaded once at open.
 *
 * A new name gets the next free id at once, in memory. Its registry entry is written in the
 * same atomic batch as the first write into the keyspace, so stored data never exists
 * without its entry, and a keyspace that was only read leaves nothing behind (its id may go
 * to another name after a reopen: nothing was stored under it).
 */
import { TidekvError, KEYSPACE_NAME_PATTERN } from '@tidekv/core';
import { FIRST_KEYSPACE_ID, KeyspacePrefix, LAST_KEYSPACE_ID } from './keyspace-prefix.js';
import type { LevelDb } from './types.js';
import type { NativeOp } from './types.js';

const REGISTRY_START = Buffer.from([0x00, 0x6b]); // 0x00 'k'
const REGISTRY_END = Buffer.from([0x00, 0x6c]); // 0x00 'l'

export class RegisteredKeyspace extends KeyspacePrefix {
  /** True once the registry entry is in the database (loaded at open or written since). */
  registered: boolean;
  /** The batch op that writes the registry entry. */
  readonly entry: NativeOp;

  constructor(name: string, id: number, registered: boolean) {
    super(name, id);
    this.registered = registered;
    this.entry = {
      type: 'put',
      key: Buffer.concat([REGISTRY_START, Buffer.from(name, 'latin1')]),
      value: Buffer.from(this.start),
    };
  }
}

function corrupt(message: string, details: Record<string, unknown>): TidekvError {
  return new TidekvError('CORRUPTION', `keyspace registry: ${message}`, { details });
}

export class KeyspaceRegistry {
  readonly #byName = new Map<string, RegisteredKeyspace>();
  #nextId = FIRST_KEYSPACE_ID;

  /** Reads every registry entry; a malformed one is CORRUPTION. */
  static async load(db: LevelDb): Promise<KeyspaceRegistry> {
    const registry = new KeyspaceRegistry();
    const ids = new Set<number>();
    const iterator = db.iterator({ gte: REGISTRY_START, lt: REGISTRY_END });
    try {
      for (;;) {
        const entries = (await iterator.nextv(1000)) as [Buffer, Buffer][];
        if (entries.length === 0) break;
        for (const [key, value] of entries) {
          const name = key.subarray(REGISTRY_START.length).toString('latin1');
          if (!KEYSPACE_NAME_PATTERN.test(name)) throw corrupt('bad keyspace name', { key: key.toString('hex') });
          const id = value.length === 2 ? value.readUInt16BE(0) : -1;
          if (id < FIRST_KEYSPACE_ID || id > LAST_KEYSPACE_ID || ids.has(id)) {
            throw corrupt(`bad or duplicate id for keyspace '${name}'`, { name, value: value.toString('hex') });
          }
          ids.add(id);
          registry.#byName.set(name, new RegisteredKeyspace(name, id, true));
          if (id >= registry.#nextId) registry.#nextId = id + 1;
        }
      }
    } finally {
      await iterator.close();
    }
    return registry;
  }

  /** The keyspace of a name already validated against KEYSPACE_NAME_PATTERN. */
  get(name: string): RegisteredKeyspace {
    let keyspace = this.#byName.get(name);
    if (!keyspace) {
      if (this.#nextId > LAST_KEYSPACE_ID) {
        throw new TidekvError('INVALID_KEYSPACE', `cannot create keyspace '${name}': this database has used every keyspace id`, {
          details: { max: LAST_KEYSPACE_ID - FIRST_KEYSPACE_ID + 1 },
        });
      }
      keyspace = new RegisteredKeyspace(name, this.#nextId++, false);
      this.#byName.set(name, keyspace);
    }
    return keyspace;
  }
}
