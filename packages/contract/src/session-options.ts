/**
 * Every session the lane opens (the app's pools, pg-boss's, a LISTEN session, pg_cron's target)
 * runs with `search_path = pg_catalog, pg_temp`: an unqualified name
 * (`jsonb_build_object`, `now`, an operator) then always resolves to the built-in one. With the
 * default path (`"$user", public`) a login that can CREATE in `public` could plant
 * `public.jsonb_build_object(text, ...)` with exact argument types, which beats pg_catalog's
 * variadic one in overload resolution, and have it run as the lane owner during `rules activate`.
 * Tables are therefore always named with their schema (public.birth_registry, birth_lane.*,
 * pgboss.*, cron.*). pg_temp is last, so no temporary object can shadow a table either.
 */
export const LANE_SEARCH_PATH = 'pg_catalog, pg_temp';

/** The libpq `options` that set it at connection start (pg Pool / Client `options`). */
export const LANE_SESSION_OPTIONS = '-c search_path=pg_catalog,pg_temp';
