import { describe, expect, it } from 'vitest';
import { concertSpec, rowLabel, sectionLayout, sqlString } from './seed-data';
import { DEFAULT_SEED_OPTIONS, parseSeedArgs } from './seed-options';

describe('parseSeedArgs', () => {
  it('gives the default data set without flags: 500,000 seats', () => {
    const parsed = parseSeedArgs([]);
    expect(parsed).toEqual({ kind: 'options', options: DEFAULT_SEED_OPTIONS });
    const o = DEFAULT_SEED_OPTIONS;
    expect([o.users, o.concerts * o.datesPerConcert, o.concerts * o.datesPerConcert * o.seatsPerDate]).toEqual([
      10_000, 10_000, 500_000,
    ]);
  });

  it('reads every flag, in both `--flag N` and `--flag=N` forms', () => {
    const parsed = parseSeedArgs([
      '--users',
      '20',
      '--concerts=3',
      '--dates-per-concert',
      '2',
      '--seats-per-date=12',
      '--sections',
      '3',
      '--reset',
    ]);
    expect(parsed).toEqual({
      kind: 'options',
      options: {
        users: 20,
        concerts: 3,
        datesPerConcert: 2,
        seatsPerDate: 12,
        sections: 3,
        reset: true,
        ifEmpty: false,
      },
    });
    expect(parseSeedArgs(['--users', '10_000'])).toMatchObject({ options: { users: 10_000 } });
  });

  it.each([
    [['--userz', '5'], 'unknown option "--userz"'],
    [['users'], 'unknown option "users"'],
    [['--users'], '--users needs a number'],
    [['--users', 'many'], '--users must be a whole number (got "many")'],
    [['--users', '-3'], '--users must be a whole number'],
    [['--users', '1.5'], '--users must be a whole number'],
    [['--users', '0'], '--users must be between 1 and'],
    [['--sections', '21'], '--sections must be between 1 and 20'],
    [['--seats-per-date', '3', '--sections', '4'], 'cannot exceed --seats-per-date'],
    [['--reset=yes'], '--reset takes no value'],
    [['--reset', '--if-empty'], 'contradict'],
  ])('refuses %j', (argv, message) => {
    const parsed = parseSeedArgs(argv);
    expect(parsed.kind).toBe('error');
    expect(parsed.kind === 'error' && parsed.message).toContain(message);
  });

  it('answers --help', () => {
    expect(parseSeedArgs(['--reset', '--help'])).toEqual({ kind: 'help' });
  });
});

describe('seed data', () => {
  const today = new Date('2026-11-26T00:00:00Z');

  it('lays a date out in sections that add up, priced from VIP down', () => {
    const layout = sectionLayout(5, 50, 0);
    expect(layout.map((s) => s.name)).toEqual(['VIP', 'R', 'S', 'A', 'B']);
    expect(layout.map((s) => s.seats)).toEqual([10, 10, 10, 10, 10]);
    const prices = layout.map((s) => s.price);
    expect([...prices].sort((a, b) => b - a)).toEqual(prices);
    expect(new Set(prices).size).toBe(5);
    const uneven = sectionLayout(3, 11, 4);
    expect(uneven.map((s) => s.seats)).toEqual([4, 4, 3]);
    expect(uneven.map((s) => s.firstSeat)).toEqual([0, 4, 8]);
    expect(uneven.every((s) => s.price > 0 && s.price % 1000 === 0)).toBe(true);
  });

  it('gives every concert future dates in ascending order and varied titles', () => {
    const titles = new Set<string>();
    const artists = new Set<string>();
    for (let c = 0; c < 200; c++) {
      const spec = concertSpec(c, 10, today);
      titles.add(spec.title);
      artists.add(spec.artist);
      expect(spec.dates).toHaveLength(10);
      expect(spec.dates[0]!.getTime()).toBeGreaterThan(today.getTime());
      for (let d = 1; d < spec.dates.length; d++)
        expect(spec.dates[d]!.getTime()).toBeGreaterThan(spec.dates[d - 1]!.getTime());
      expect(spec.title).not.toContain('?');
    }
    expect(titles.size).toBeGreaterThan(150);
    expect(artists.size).toBeGreaterThan(100);
    expect(new Set([...titles].map((t) => t[0])).size).toBeGreaterThan(10);
  });

  it('is deterministic', () => {
    expect(concertSpec(123, 3, today)).toEqual(concertSpec(123, 3, today));
  });

  it('labels rows A..Z, AA..', () => {
    expect([0, 1, 25, 26, 27, 51, 52].map(rowLabel)).toEqual(['A', 'B', 'Z', 'AA', 'AB', 'AZ', 'BA']);
  });

  it('quotes SQL strings', () => {
    expect(sqlString("Gwangju Women's Gym \\")).toBe("'Gwangju Women''s Gym \\\\'");
  });
});
