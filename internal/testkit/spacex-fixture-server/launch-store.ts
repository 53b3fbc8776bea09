import type { Doc } from "./fixtures.js";

/** The mutable launches collection behind the fixture server's test hooks. */
export interface LaunchStore {
  all(): Doc[];
  replace(launches: readonly Doc[]): void;
  add(launch: Doc): void;
  remove(id: string): void;
  update(id: string, patch: Doc): void;
}

/**
 * Keeps launches in collection order and copies everything that goes in, so a test that
 * keeps mutating its own objects cannot change what the server already serves. Unknown or
 * duplicate ids throw: a typo in a test should fail loudly, not serve stale data.
 */
export function createLaunchStore(initial: readonly Doc[]): LaunchStore {
  let launches: Doc[] = [];
  const indexOf = (id: string) => {
    const index = launches.findIndex((launch) => launch.id === id);
    if (index < 0) throw new Error(`no launch with id ${id}`);
    return index;
  };
  const store: LaunchStore = {
    all: () => launches,
    replace(next) {
      const copies = next.map(copyOf);
      const ids = new Set(copies.map((launch) => launch.id));
      if (ids.size !== copies.length) throw new Error("launch ids must be unique");
      launches = copies;
    },
    add(launch) {
      const copy = copyOf(launch);
      if (launches.some((existing) => existing.id === copy.id)) throw new Error(`launch ${copy.id} already exists`);
      launches = [...launches, copy];
    },
    remove(id) {
      const index = indexOf(id);
      launches = launches.filter((_, i) => i !== index);
    },
    update(id, patch) {
      if (patch.id !== undefined && patch.id !== id) throw new Error("updateLaunch cannot change a launch id");
      const index = indexOf(id);
      launches = launches.map((launch, i) => (i === index ? { ...launch, ...structuredClone(patch) } : launch));
    },
  };
  store.replace(initial);
  return store;
}

function copyOf(launch: Doc): Doc {
  if (typeof launch.id !== "string" || launch.id === "") throw new Error("a launch needs a string id");
  return structuredClone(launch);
}
