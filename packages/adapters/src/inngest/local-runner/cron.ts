/**
 * Five-field cron (`minute hour day-of-month month day-of-week`, UTC) as Inngest accepts it: `*`, `*\/n`,
 * `a-b`, `a-b/n`, lists, and an optional `TZ=Area/City ` prefix, which is accepted but evaluated in UTC
 * (documented limitation). Day-of-week 0 and 7 are Sunday. When both day fields are restricted, either matching
 * is enough (classic cron rule).
 */
export interface CronSchedule {
  matches(date: Date): boolean;
}

const RANGES: ReadonlyArray<readonly [number, number]> = [
  [0, 59],
  [0, 23],
  [1, 31],
  [1, 12],
  [0, 7],
];

export function parseCron(expression: string): CronSchedule {
  const text = expression.replace(/^(CRON_)?TZ=\S+\s+/, '').trim();
  const fields = text.split(/\s+/);
  if (fields.length !== 5) throw new Error(`unsupported cron "${expression}": expected 5 fields`);
  const sets = fields.map((field, i) => parseField(field, RANGES[i] as readonly [number, number], expression));
  const [minutes, hours, doms, months, dows] = sets as [
    Set<number>,
    Set<number>,
    Set<number>,
    Set<number>,
    Set<number>,
  ];
  if (dows.has(7)) dows.add(0);
  const domStar = fields[2] === '*';
  const dowStar = fields[4] === '*';
  return {
    matches(date) {
      if (!minutes.has(date.getUTCMinutes()) || !hours.has(date.getUTCHours())) return false;
      if (!months.has(date.getUTCMonth() + 1)) return false;
      const dom = doms.has(date.getUTCDate());
      const dow = dows.has(date.getUTCDay());
      if (domStar && dowStar) return true;
      if (domStar) return dow;
      if (dowStar) return dom;
      return dom || dow;
    },
  };
}

function parseField(field: string, [min, max]: readonly [number, number], expression: string): Set<number> {
  const values = new Set<number>();
  for (const part of field.split(',')) {
    const match = /^(\*|\d+(?:-\d+)?)(?:\/(\d+))?$/.exec(part);
    if (!match) throw new Error(`unsupported cron "${expression}": bad field "${field}"`);
    const [, range, stepText] = match;
    const step = stepText ? Number(stepText) : 1;
    let from = min;
    let to = max;
    if (range !== '*') {
      const [a, b] = (range as string).split('-').map(Number) as [number, number | undefined];
      from = a;
      to = b ?? (stepText ? max : a);
    }
    if (from < min || to > max || from > to || step < 1)
      throw new Error(`unsupported cron "${expression}": out of range "${part}"`);
    for (let v = from; v <= to; v += step) values.add(v);
  }
  return values;
}
