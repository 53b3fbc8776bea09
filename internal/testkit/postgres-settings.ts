/**
 * Server settings for throwaway test clusters only: durability is traded for speed, since a
 * crash loses nothing worth keeping. Never use them for a data dir that matters.
 */
export const TEST_CLUSTER_SETTINGS: Readonly<Record<string, string>> = {
  fsync: "off",
  synchronous_commit: "off",
  full_page_writes: "off",
  max_connections: "200",
};
