import { openDB, type IDBPDatabase } from 'idb';
import { DB_NAME, DB_VERSION, type ProtoBenchDB } from './schema';

export type DB = IDBPDatabase<ProtoBenchDB>;

/** Opens (and on first use creates) the ProtoBench database. */
export function openStore(name = DB_NAME): Promise<DB> {
  return openDB<ProtoBenchDB>(name, DB_VERSION, {
    upgrade(db, oldVersion) {
      if (oldVersion < 1) {
        db.createObjectStore('datasets', { keyPath: 'id' });
        db.createObjectStore('writes', { keyPath: 'writeId' });
        db.createObjectStore('shards', { keyPath: ['writeId', 'shard'] });
        db.createObjectStore('arrays', { keyPath: ['writeId', 'name'] });
      }
      if (oldVersion < 2) {
        const runs = db.createObjectStore('runs', { keyPath: 'id' });
        runs.createIndex('byConfigHash', 'configHash');
      }
      if (oldVersion < 3) {
        const weights = db.createObjectStore('weights', { keyPath: 'key' });
        weights.createIndex('byDataset', 'datasets', { multiEntry: true });
      }
    },
    blocked() {
      // Another tab holds an older version open; it will close on its `versionchange`.
    },
  });
}

/** Key range over every record of one write in a [writeId, x]-keyed store. */
export function writeRange(writeId: string): IDBKeyRange {
  return IDBKeyRange.bound([writeId], [writeId, []]);
}
