import { IDBFactory as FakeIDBFactory, IDBKeyRange as FakeIDBKeyRange } from 'fake-indexeddb'

/**
 * A private IndexedDB (fake-indexeddb) per test: databases of one test never meet another's, and
 * closing and reopening a store on the same factory is a station restart.
 */
export function privateIndexedDb(): { indexedDB: IDBFactory; IDBKeyRange: typeof IDBKeyRange } {
  return { indexedDB: new FakeIDBFactory(), IDBKeyRange: FakeIDBKeyRange }
}
