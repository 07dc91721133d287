/**
 * A second (and third) process running the API's admission tick in a tight loop, built by the same
 * composition root as the API. Used by the two-process test; prints `admitted=<n> ticks=<n>` on exit.
 * Env: the API's variables, plus TICKER_DURATION_MS and TICKER_PAUSE_MS.
 */
import { createContainer } from '../../src/container';
import { parseEnv } from '../../src/env';

const container = createContainer(parseEnv());
const duration = Number(process.env.TICKER_DURATION_MS ?? 5_000);
const pause = Number(process.env.TICKER_PAUSE_MS ?? 5);
const until = Date.now() + duration;
let admitted = 0;
let ticks = 0;
while (Date.now() < until) {
  admitted += (await container.queue.tick()).admitted;
  ticks++;
  await new Promise((r) => setTimeout(r, pause));
}
console.log(`admitted=${admitted} ticks=${ticks}`);
await container.close();
