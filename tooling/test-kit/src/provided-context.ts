/**
 * The one value the global setup hands to every test worker: the URL of the PostgreSQL server
 * on which test databases are made. Vitest serialises provided values to the workers, so it is
 * a plain string.
 */
export const SERVER_URL_KEY = 'birthLaneTestServerUrl';

declare module 'vitest' {
  export interface ProvidedContext {
    birthLaneTestServerUrl: string;
  }
}
