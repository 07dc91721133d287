import { expect, type Page, test } from '@playwright/test';
import { becomeActive, signIn, trpcCall } from './support/api';
import { NAMED_CONCERTS } from './support/fixtures';

/**
 * Admission usually takes about a second here (200 ms tick), but the local workflow runner's admission loop is
 * restarted by a once-a-minute cron, and on a busy machine a restart can be skipped: allow for a full gap.
 */
const ADMISSION_TIMEOUT_MS = 80_000;

// Each test may wait out one such gap (plus a rival's), so allow more than the default.
test.describe.configure({ timeout: 180_000 });

/** Sign in through the form and get to the seat map of the first date's first section (VIP). */
async function reachSeatMap(page: Page, concertId: number, userId: number): Promise<void> {
  await page.goto(`/concerts/${concertId}`);
  await expect(page.getByTestId('concert-title')).toHaveText(NAMED_CONCERTS[concertId - 1]!.title);
  await page.getByLabel('User id').fill(String(userId));
  await page.getByRole('button', { name: 'Sign in' }).click();
  await expect(page.getByTestId('signed-in-as')).toContainText(`user ${userId}`);

  await page.getByRole('button', { name: 'Join the waiting room' }).click();
  await expect(page.getByTestId('queue-active')).toBeVisible({ timeout: ADMISSION_TIMEOUT_MS });

  await page.getByTestId('date-option').first().click();
  await page.getByTestId('section-option').filter({ hasText: 'VIP' }).click();
  await expect(page.getByTestId('seat-map').locator('button.seat')).toHaveCount(10);
}

const seat = (page: Page, label: string) =>
  page.getByTestId('seat-map').getByRole('button', { name: new RegExp(`^Seat ${label}\\b`) });

test.describe('booking', () => {
  test('sign in, wait in line, pick a seat, hold it with a countdown, release it', async ({ page }) => {
    await reachSeatMap(page, 1, 1);
    await expect(seat(page, 'A-1')).toHaveAttribute('data-state', 'available');

    await seat(page, 'A-1').click();
    await expect(page.getByTestId('hold-notice')).toContainText('Seat A-1 is yours');
    const hold = page.getByTestId('hold-item');
    await expect(hold).toHaveCount(1);
    await expect(hold).toHaveAttribute('data-status', 'HELD');
    await expect(hold).toContainText('₩150,000');
    // The held seat is no longer offered.
    await expect(seat(page, 'A-1')).not.toHaveAttribute('data-state', 'available');

    // The countdown to expiresAt ticks down.
    const countdown = page.getByTestId('hold-countdown');
    await expect(countdown).toHaveText(/^\d+:\d\d$/);
    const first = await countdown.textContent();
    await expect(countdown).not.toHaveText(first ?? '', { timeout: 5_000 });

    await hold.getByRole('button', { name: 'Release' }).click();
    await expect(page.getByTestId('hold-item')).toHaveCount(0);
    await expect(seat(page, 'A-1')).toHaveAttribute('data-state', 'available');
  });

  test('a seat someone else takes first is reported as SEAT_UNAVAILABLE and the map refreshes', async ({
    page,
    request,
  }) => {
    await reachSeatMap(page, 3, 2);
    const seatId = Number(await seat(page, 'A-2').getAttribute('data-seat-id'));
    expect(seatId).toBeGreaterThan(0);

    // User 3 takes that seat through the API while user 2 is looking at the map.
    const rival = await signIn(request, 3);
    const pass = await becomeActive(request, rival, 3);
    await trpcCall(
      request,
      'mutation',
      'reservation.hold',
      { seatId },
      {
        authorization: `Bearer ${rival}`,
        'x-queue-token': pass,
      },
    );

    await seat(page, 'A-2').click();
    const notice = page.getByTestId('hold-notice');
    await expect(notice).toHaveAttribute('data-code', 'SEAT_UNAVAILABLE');
    await expect(notice).toContainText('Someone else just took that seat');
    await expect(seat(page, 'A-2')).toHaveAttribute('data-state', 'taken');
    await expect(page.getByTestId('hold-item')).toHaveCount(0);
  });

  test('the waiting room polls queue.status no faster than pollAfterMs', async ({ page }) => {
    // Measured inside the page on the app's own clock (performance.now): when each queue call was made, when
    // its answer arrived (before the app can possibly schedule the next poll), and the pollAfterMs it carried.
    await page.addInitScript(() => {
      const log: { kind: string; startedAt: number; answeredAt: number | null; pollAfterMs: number | null }[] = [];
      (window as unknown as { __queueLog: typeof log }).__queueLog = log;
      const original = window.fetch.bind(window);
      window.fetch = async (input: RequestInfo | URL, init?: RequestInit) => {
        const url = String(input instanceof Request ? input.url : input);
        const match = /\/trpc\/queue\.(status|enter)/.exec(url);
        if (!match) return original(input, init);
        const entry = {
          kind: match[1]!,
          startedAt: performance.now(),
          answeredAt: null as number | null,
          pollAfterMs: null as number | null,
        };
        log.push(entry);
        const response = await original(input, init);
        entry.answeredAt = performance.now();
        response
          .clone()
          .json()
          .then((raw: unknown) => {
            // Batched calls answer with an array of results.
            const body = (Array.isArray(raw) ? raw[0] : raw) as { result?: { data?: { pollAfterMs?: number } } };
            entry.pollAfterMs = body?.result?.data?.pollAfterMs ?? null;
          })
          .catch(() => {});
        return response;
      };
    });

    await page.goto('/concerts/2');
    await page.getByLabel('User id').fill('6');
    await page.getByRole('button', { name: 'Sign in' }).click();
    await page.getByRole('button', { name: 'Join the waiting room' }).click();
    await expect(page.getByTestId('queue-active')).toBeVisible({ timeout: ADMISSION_TIMEOUT_MS });
    type Entry = { kind: string; startedAt: number; answeredAt: number | null; pollAfterMs: number | null };
    const readLog = () => page.evaluate(() => (window as unknown as { __queueLog: Entry[] }).__queueLog);
    // Let a few more polls happen while ACTIVE.
    await expect
      .poll(async () => (await readLog()).filter((e) => e.kind === 'status').length, { timeout: 60_000 })
      .toBeGreaterThanOrEqual(3);

    const timeline = await readLog();
    expect(timeline[0]?.kind).toBe('enter');
    for (const [i, call] of timeline.entries()) {
      if (i === 0) continue;
      const previous = timeline[i - 1]!;
      expect(previous.answeredAt, `call ${i - 1} was answered before call ${i}`).not.toBeNull();
      expect(previous.pollAfterMs, `answer ${i - 1} carried pollAfterMs`).not.toBeNull();
      // One clock, measured before the app even sees the answer: only timer rounding needs slack.
      expect(call.startedAt - previous.answeredAt!, `poll ${i} waited pollAfterMs`).toBeGreaterThanOrEqual(
        previous.pollAfterMs! - 2,
      );
    }
  });
});

test.describe('payment and wallet', () => {
  test('pay for a held seat: the payment completes and the wallet is debited', async ({ page }) => {
    await reachSeatMap(page, 4, 4);
    await expect(page.getByTestId('wallet-balance')).toHaveText('₩1,000,000');
    await seat(page, 'B-3').click();
    const hold = page.getByTestId('hold-item');
    await expect(hold).toHaveAttribute('data-status', 'HELD');

    await hold.getByRole('button', { name: 'Pay' }).click();
    await expect(page.getByTestId('payment-completed')).toBeVisible({ timeout: 45_000 });
    await expect(page.getByTestId('booking-complete')).toBeVisible();
    await expect(page.getByTestId('wallet-balance')).toHaveText('₩850,000');
    await expect(page.getByTestId('hold-item')).toHaveAttribute('data-status', 'CONFIRMED');
  });

  test('charge the wallet', async ({ page }) => {
    await page.goto('/concerts/2');
    await page.getByLabel('User id').fill('5');
    await page.getByRole('button', { name: 'Sign in' }).click();
    const balance = page.getByTestId('wallet-balance');
    await expect(balance).toHaveText('₩1,000,000');
    await page.getByLabel('Charge amount').fill('50000');
    await page.getByRole('button', { name: 'Charge', exact: true }).click();
    await expect(balance).toHaveText('₩1,050,000');
  });
});
