/**
 * Deterministic generators for the seed data set: the same options and start day always give the same rows,
 * so load scripts and tests can rely on ids and shapes. Ids are explicit and dense:
 *   schedule id = concertIndex * datesPerConcert + dateIndex + 1
 *   section id  = scheduleIndex * sections + sectionIndex + 1
 *   seat id     = scheduleIndex * seatsPerDate + seatIndex + 1
 */

const BAND_FIRST = [
  'Aurora',
  'Blue',
  'Crimson',
  'Dawn',
  'Echo',
  'Golden',
  'Han River',
  'Indigo',
  'Jade',
  'Lunar',
  'Midnight',
  'Neon',
  'Ocean',
  'Polar',
  'Silver',
  'Starlight',
  'Velvet',
  'Wild',
  'Seoul',
  'Busan',
  'Crystal',
  'Electric',
  'Paper',
  'Phantom',
  'Scarlet',
  'Summer',
  'Winter',
  'Violet',
  'Cosmic',
  'Urban',
];
const BAND_SECOND = [
  'Orchestra',
  'Quartet',
  'Band',
  'Collective',
  'Boys',
  'Girls',
  'Ensemble',
  'Riders',
  'Project',
  'Club',
  'Sisters',
  'Brothers',
  'Trio',
  'Sound',
  'Choir',
  'Wave',
  'Hearts',
  'Kids',
];
const SURNAMES = [
  'Kim',
  'Lee',
  'Park',
  'Choi',
  'Jung',
  'Kang',
  'Cho',
  'Yoon',
  'Jang',
  'Lim',
  'Han',
  'Oh',
  'Seo',
  'Shin',
];
const GIVEN_NAMES = [
  'Ji-woo',
  'Seo-yeon',
  'Min-jun',
  'Ha-eun',
  'Do-yun',
  'Seo-jun',
  'Ji-ho',
  'Su-ah',
  'Ye-jin',
  'Hyun-woo',
  'Eun-bi',
  'Tae-yang',
  'Na-rae',
  'Jae-hyun',
  'So-yeon',
  'Woo-jin',
  'Da-in',
  'Si-woo',
  'Yu-na',
  'Ga-eun',
];
const THEMES = [
  'Afterglow',
  'Blooming Days',
  'Color of Night',
  'Dreamer',
  'Eclipse',
  'Firefly',
  'Gravity',
  'Horizon',
  'Into the Light',
  'Journey Home',
  'Kaleidoscope',
  'Last Summer',
  'Moonrise',
  'Nostalgia',
  'One Fine Day',
  'Parade',
  'Quiet Storm',
  'Runaway',
  'Serenade',
  'Take Off',
  'Unfolding',
  'Voyage',
  'Wanderlust',
  'Youth',
  'Zero Gravity',
  'Encore',
  'Reverie',
  'Spring Breeze',
  'Stardust',
  'Thunder Road',
];
const CITIES = ['Seoul', 'Busan', 'Incheon', 'Daegu', 'Gwangju', 'Daejeon', 'Jeju', 'Suwon'];
const VENUES = [
  'KSPO Dome, Seoul',
  'Olympic Hall, Seoul',
  'Jamsil Arena, Seoul',
  'Gocheok Sky Dome, Seoul',
  'Blue Square, Seoul',
  'Sejong Center, Seoul',
  'Seoul Arts Center',
  'YES24 Live Hall, Seoul',
  'BEXCO Auditorium, Busan',
  'Busan Cinema Center',
  'EXCO, Daegu',
  'Inspire Arena, Incheon',
  'Universiade Gym, Gwangju',
  'Daejeon Arts Center',
  'Munsu Hall, Ulsan',
  'Jeju Arts Center',
  'Suwon Convention Center',
  'Changwon Sports Park Gym',
];
const TITLE_PATTERNS: ReadonlyArray<(artist: string, theme: string, year: number, city: string) => string> = [
  (a, _t, y) => `${a} World Tour ${y}`,
  (a, t) => `${t}: ${a} Live`,
  (a, t) => `${a} Concert <${t}>`,
  (_a, t, y) => `${t} Festival ${y}`,
  (a, _t, _y, c) => `${a} Live in ${c}`,
  (a, t) => `${a} - ${t} Tour`,
  (a, _t, y) => `${a} Year-End Concert ${y}`,
  (_a, t, _y, c) => `${t} in ${c}`,
];

/** Section names from the most to the least expensive; `--sections` takes the first N. */
export const SECTION_NAMES = ['VIP', 'R', 'S', 'A', 'B', 'C', 'D', 'E', 'F', 'G', 'H', 'I', 'J', 'K', 'L', 'M', 'N'];
const VIP_PRICE = 165_000;
const PRICE_STEP = 22_000;
const MIN_PRICE = 22_000;

export const SEATS_PER_ROW = 10;
export const STARTING_BALANCE = 1_000_000;
/** Idempotency key of each wallet's opening CHARGE, unique per user like every ledger key. */
export const STARTING_CHARGE_KEY = 'seed:opening-balance';

const DAY_MS = 24 * 3600 * 1000;

/** Cheap integer hash (xorshift-multiply): spreads indexes over lists without a stateful random generator. */
function mix(n: number): number {
  let x = (n + 0x9e3779b9) | 0;
  x = Math.imul(x ^ (x >>> 16), 0x85ebca6b);
  x = Math.imul(x ^ (x >>> 13), 0xc2b2ae35);
  return (x ^ (x >>> 16)) >>> 0;
}

function pick<T>(list: readonly T[], n: number): T {
  return list[mix(n) % list.length]!;
}

export function userName(userId: number): string {
  return `${pick(SURNAMES, userId * 7)} ${pick(GIVEN_NAMES, userId * 13 + 1)}`;
}

function artistName(concertIndex: number): string {
  const h = mix(concertIndex * 31 + 5);
  // One concert in three is a solo artist, the rest are groups.
  if (h % 3 === 0) return `${pick(SURNAMES, concertIndex * 3 + 2)} ${pick(GIVEN_NAMES, concertIndex * 5 + 3)}`;
  return `${pick(BAND_FIRST, concertIndex * 11 + 4)} ${pick(BAND_SECOND, concertIndex * 17 + 6)}`;
}

export interface ConcertSpec {
  readonly id: number;
  readonly title: string;
  readonly artist: string;
  readonly venue: string;
  /** Start of each date, ascending; `dates[0]` is first_date, the last is last_date. */
  readonly dates: readonly Date[];
}

/**
 * Concert `concertIndex` (0-based). Dates start 7 to 126 days after `today` (UTC midnight), one to three days
 * apart, at 14:00 or 19:00 in Seoul (05:00 / 10:00 UTC): always in the future, spread over several months.
 */
export function concertSpec(concertIndex: number, datesPerConcert: number, today: Date): ConcertSpec {
  const artist = artistName(concertIndex);
  const theme = pick(THEMES, concertIndex * 19 + 7);
  const city = pick(CITIES, concertIndex * 23 + 8);
  const firstDay = today.getTime() + (7 + (mix(concertIndex * 29 + 9) % 120)) * DAY_MS;
  const gapDays = 1 + (concertIndex % 3);
  const year = new Date(firstDay).getUTCFullYear();
  const dates: Date[] = [];
  for (let d = 0; d < datesPerConcert; d++) {
    const hourUtc = d % 2 === 0 ? 10 : 5;
    dates.push(new Date(firstDay + d * gapDays * DAY_MS + hourUtc * 3600 * 1000));
  }
  return {
    id: concertIndex + 1,
    title: pick(TITLE_PATTERNS, concertIndex * 37 + 10)(artist, theme, year, city),
    artist,
    venue: pick(VENUES, concertIndex * 41 + 11),
    dates,
  };
}

export interface SectionSpec {
  readonly name: string;
  readonly price: number;
  readonly seats: number;
  /** Index of the section's first seat within its date. */
  readonly firstSeat: number;
}

/** How a date's seats split into sections: as even as possible, the better sections get the remainder. */
export function sectionLayout(sections: number, seatsPerDate: number, concertIndex: number): SectionSpec[] {
  // Concerts differ in price level: 100%, 80% or 120% of the base price, rounded to 1,000 won.
  const level = [1, 0.8, 1.2][concertIndex % 3]!;
  const base = Math.floor(seatsPerDate / sections);
  const extra = seatsPerDate % sections;
  const layout: SectionSpec[] = [];
  let firstSeat = 0;
  for (let k = 0; k < sections; k++) {
    const seats = base + (k < extra ? 1 : 0);
    const price = Math.round((Math.max(MIN_PRICE, VIP_PRICE - k * PRICE_STEP) * level) / 1000) * 1000;
    layout.push({ name: SECTION_NAMES[k] ?? `Z${k}`, price, seats, firstSeat });
    firstSeat += seats;
  }
  return layout;
}

/** Row label of the n-th row (0-based): A..Z, then AA, AB, ... */
export function rowLabel(rowIndex: number): string {
  let n = rowIndex;
  let label = '';
  do {
    label = String.fromCharCode(65 + (n % 26)) + label;
    n = Math.floor(n / 26) - 1;
  } while (n >= 0);
  return label;
}

/** `YYYY-MM-DD HH:MM:SS.mmm` in UTC, what a DATETIME(3) column takes. */
export function sqlDateTime(date: Date): string {
  return date.toISOString().replace('T', ' ').replace('Z', '');
}

/** Quotes a string literal for MySQL. The generators never produce `?` (mysql2 would treat it as a placeholder). */
export function sqlString(value: string): string {
  return `'${value.replace(/\\/g, '\\\\').replace(/'/g, "''")}'`;
}
