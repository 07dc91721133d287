/**
 * The small, fixed data set the end-to-end suite runs against. Tests refer to it by these names, so each test
 * can use its own users and concerts and the tests never fight over the same seats.
 */

export const E2E_USERS = 8;
export const E2E_STARTING_BALANCE = 1_000_000;

/** Named concerts first (ids 1..N in this order), then fillers to exercise "load more". */
export const NAMED_CONCERTS = [
  { title: 'Aurora Nights', artist: 'Aurora Quartet', venue: 'Olympic Hall' },
  { title: 'Blue Harbor Jazz', artist: 'Harbor Trio', venue: 'Busan Cinema Center' },
  { title: 'Crimson Echo Live', artist: 'Crimson Echo', venue: 'KSPO Dome' },
  { title: 'Dawn Chorus', artist: 'Dawn Ensemble', venue: 'Sejong Center' },
] as const;
export const FILLER_CONCERTS = 21;
export const TOTAL_CONCERTS = NAMED_CONCERTS.length + FILLER_CONCERTS;

export const DATES_PER_CONCERT = 2;
/** Per date: two sections, rows A-B, 5 seats a row. */
export const SECTIONS = [
  { name: 'VIP', price: 150_000, rows: ['A', 'B'] },
  { name: 'R', price: 90_000, rows: ['A', 'B'] },
] as const;
export const SEATS_PER_ROW = 5;

export const E2E_ADMIN_TOKEN = 'e2e-admin-token-0123456789';
export const E2E_AUTH_SECRET = 'e2e-auth-secret-0123456789abcdefghijklmnopqrstuvwxyz';
