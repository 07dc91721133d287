/** What `npm run db:seed` loads. Defaults give the seed report's data set: 10,000 users and 500,000 seats. */
export interface SeedOptions {
  readonly users: number;
  readonly concerts: number;
  readonly datesPerConcert: number;
  readonly seatsPerDate: number;
  readonly sections: number;
  /** Empty every table first. Without it, loading into a non-empty database is refused. */
  readonly reset: boolean;
  /** Load only when the database is empty; otherwise do nothing and succeed (what `npm start` wants). */
  readonly ifEmpty: boolean;
}

export const DEFAULT_SEED_OPTIONS: SeedOptions = {
  users: 10_000,
  concerts: 1_000,
  datesPerConcert: 10,
  seatsPerDate: 50,
  sections: 5,
  reset: false,
  ifEmpty: false,
};

/** Upper bounds keep a typo (an extra zero or three) from filling the disk; they are far above any real need. */
const NUMERIC_FLAGS = {
  '--users': { key: 'users', min: 1, max: 10_000_000 },
  '--concerts': { key: 'concerts', min: 1, max: 1_000_000 },
  '--dates-per-concert': { key: 'datesPerConcert', min: 1, max: 366 },
  '--seats-per-date': { key: 'seatsPerDate', min: 1, max: 100_000 },
  '--sections': { key: 'sections', min: 1, max: 20 },
} as const satisfies Record<string, { key: keyof SeedOptions; min: number; max: number }>;

const BOOLEAN_FLAGS = { '--reset': 'reset', '--if-empty': 'ifEmpty' } as const;

export const SEED_USAGE = `usage: npm run db:seed -- [--users N] [--concerts N] [--dates-per-concert N] [--seats-per-date N] [--sections N] [--reset] [--if-empty]
  defaults: --users ${DEFAULT_SEED_OPTIONS.users} --concerts ${DEFAULT_SEED_OPTIONS.concerts} --dates-per-concert ${DEFAULT_SEED_OPTIONS.datesPerConcert} --seats-per-date ${DEFAULT_SEED_OPTIONS.seatsPerDate} --sections ${DEFAULT_SEED_OPTIONS.sections}
  --reset     empty every table first (otherwise a non-empty database is refused)
  --if-empty  load only if the database is empty, else do nothing`;

export type ParsedSeedArgs =
  | { readonly kind: 'options'; readonly options: SeedOptions }
  | { readonly kind: 'help' }
  | { readonly kind: 'error'; readonly message: string };

/** Parses `--flag N` and `--flag=N`. Anything unknown or out of range is an error naming the flag: never ignored. */
export function parseSeedArgs(argv: readonly string[]): ParsedSeedArgs {
  const options: { -readonly [K in keyof SeedOptions]: SeedOptions[K] } = { ...DEFAULT_SEED_OPTIONS };
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i]!;
    if (arg === '--help' || arg === '-h') return { kind: 'help' };
    const eq = arg.indexOf('=');
    const flag = eq > 0 ? arg.slice(0, eq) : arg;
    if (flag in BOOLEAN_FLAGS) {
      if (eq > 0) return { kind: 'error', message: `${flag} takes no value (got "${arg}")` };
      options[BOOLEAN_FLAGS[flag as keyof typeof BOOLEAN_FLAGS]] = true;
      continue;
    }
    if (!(flag in NUMERIC_FLAGS)) return { kind: 'error', message: `unknown option "${arg}"` };
    const spec = NUMERIC_FLAGS[flag as keyof typeof NUMERIC_FLAGS];
    let raw: string | undefined;
    if (eq > 0) raw = arg.slice(eq + 1);
    else {
      raw = argv[i + 1];
      i++;
    }
    if (raw === undefined || raw === '') return { kind: 'error', message: `${flag} needs a number` };
    const normalized = raw.replace(/[_,]/g, '');
    if (!/^\d+$/.test(normalized)) return { kind: 'error', message: `${flag} must be a whole number (got "${raw}")` };
    const value = Number(normalized);
    if (value < spec.min || value > spec.max)
      return { kind: 'error', message: `${flag} must be between ${spec.min} and ${spec.max} (got ${value})` };
    options[spec.key] = value;
  }
  if (options.sections > options.seatsPerDate)
    return {
      kind: 'error',
      message: `--sections (${options.sections}) cannot exceed --seats-per-date (${options.seatsPerDate}): every section needs a seat`,
    };
  if (options.reset && options.ifEmpty)
    return { kind: 'error', message: '--reset and --if-empty contradict each other' };
  return { kind: 'options', options };
}
