/**
 * Settings for a server that only ever holds throwaway test data: durability is traded for
 * speed (a crash loses nothing we care about), and enough connections for parallel workers.
 */
export const TEST_SERVER_FLAGS = [
  'fsync=off',
  'synchronous_commit=off',
  'full_page_writes=off',
  'max_connections=200',
] as const;
