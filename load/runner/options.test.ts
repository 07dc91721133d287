import { describe, expect, it } from 'vitest';
import { parseDurationMs } from './k6-shims';
import { iterationsDueBy, maxVusOf, plannedDurationMs, planScenarios, vusAt } from './options';

describe('planScenarios', () => {
  it('turns stages into a ramping-vus scenario (the seed profile)', () => {
    const stages = [100, 200, 300, 200, 100, 0].map((target) => ({ duration: '20s', target }));
    const [plan] = planScenarios({ stages, thresholds: {} });
    expect(plan).toMatchObject({ executor: 'ramping-vus', startVUs: 1, name: 'default', exec: 'default' });
    expect(plannedDurationMs(plan!)).toBe(120_000);
    expect(maxVusOf(plan!)).toBe(300);
  });

  it('plans arrival-rate scenarios with defaults as k6 has them', () => {
    const plans = planScenarios({
      scenarios: {
        a: { executor: 'constant-arrival-rate', rate: 3000, duration: '30s', preAllocatedVUs: 100, maxVUs: 500 },
        b: {
          executor: 'ramping-arrival-rate',
          startRate: 10,
          timeUnit: '1s',
          preAllocatedVUs: 5,
          stages: [{ duration: '10s', target: 100 }],
          startTime: '5s',
          exec: 'other',
        },
      },
    });
    expect(plans[0]).toMatchObject({
      executor: 'constant-arrival-rate',
      timeUnitMs: 1000,
      durationMs: 30_000,
      maxVUs: 500,
    });
    expect(plans[1]).toMatchObject({ executor: 'ramping-arrival-rate', maxVUs: 5, startTimeMs: 5000, exec: 'other' });
    expect(plannedDurationMs(plans[1]!)).toBe(15_000);
  });

  it('defaults to one VU and one iteration, and vus+duration to constant-vus', () => {
    expect(planScenarios({})[0]).toMatchObject({ executor: 'shared-iterations', vus: 1, iterations: 1 });
    expect(planScenarios({ vus: 5, duration: '1m' })[0]).toMatchObject({
      executor: 'constant-vus',
      vus: 5,
      durationMs: 60_000,
    });
  });

  it('refuses what it does not support', () => {
    expect(() => planScenarios({ hosts: {} })).toThrow(/options.hosts is not supported/);
    expect(() => planScenarios({ scenarios: { x: { executor: 'externally-controlled' } } })).toThrow(/not supported/);
    expect(() =>
      planScenarios({ scenarios: { x: { executor: 'constant-vus', vus: 1, duration: '1s', iterations: 3 } } }),
    ).toThrow(/option 'iterations' is not supported/);
    expect(() => planScenarios({ stages: [{ duration: 'soon', target: 1 }] })).toThrow(/invalid duration/);
  });
});

describe('schedules', () => {
  const stages = [
    { durationMs: 10_000, target: 100 },
    { durationMs: 10_000, target: 100 },
    { durationMs: 10_000, target: 0 },
  ];
  it('ramps VUs linearly between stage targets', () => {
    expect(vusAt(0, stages, 0)).toBe(0);
    expect(vusAt(0, stages, 5000)).toBe(50);
    expect(vusAt(0, stages, 15_000)).toBe(100);
    expect(vusAt(0, stages, 25_000)).toBe(50);
    expect(vusAt(0, stages, 40_000)).toBe(0);
  });

  it('integrates the arrival rate', () => {
    expect(iterationsDueBy(200, 1000, [{ durationMs: 2000, target: 200 }], 2000)).toBeCloseTo(400);
    expect(iterationsDueBy(200, 1000, [{ durationMs: 2000, target: 200 }], 500)).toBeCloseTo(100);
    // 0 -> 100/s over 10 s: 500 iterations; then 100/s for 10 s more: 1000 more.
    const ramp = [
      { durationMs: 10_000, target: 100 },
      { durationMs: 10_000, target: 100 },
    ];
    expect(iterationsDueBy(0, 1000, ramp, 10_000)).toBeCloseTo(500);
    expect(iterationsDueBy(0, 1000, ramp, 5000)).toBeCloseTo(125);
    expect(iterationsDueBy(0, 1000, ramp, 20_000)).toBeCloseTo(1500);
    expect(iterationsDueBy(0, 1000, ramp, 99_000)).toBeCloseTo(1500);
  });

  it('parses k6 durations', () => {
    expect(parseDurationMs('1m30s')).toBe(90_000);
    expect(parseDurationMs('250ms')).toBe(250);
    expect(parseDurationMs('1.5s')).toBe(1500);
    expect(parseDurationMs('2h')).toBe(7_200_000);
    expect(() => parseDurationMs('10 s')).toThrow();
  });
});
