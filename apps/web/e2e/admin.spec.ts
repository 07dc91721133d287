import { expect, test } from '@playwright/test';
import { signIn, trpcCall } from './support/api';
import { E2E_ADMIN_TOKEN } from './support/fixtures';

test.describe('operator dashboard', () => {
  test('a wrong token is refused with a clear message', async ({ page }) => {
    await page.goto('/admin');
    await page.getByLabel('Admin token').fill('not-the-admin-token');
    await page.getByRole('button', { name: 'Save token' }).click();
    const alert = page.locator('.note-error');
    await expect(alert).toContainText('Could not load the overview');
    await expect(alert).toContainText('admin token was not accepted');
    await expect(alert).toHaveAttribute('data-code', 'SESSION_INVALID');
  });

  test('shows live per-concert figures with the admin token', async ({ page, request }) => {
    // Queue figures exist once somebody has joined a waiting room: user 7 joins concert 1's.
    const session = await signIn(request, 7);
    await trpcCall(request, 'mutation', 'queue.enter', { concertId: 1 }, { authorization: `Bearer ${session}` });

    await page.goto('/admin');
    await page.getByLabel('Admin token').fill(E2E_ADMIN_TOKEN);
    await page.getByRole('button', { name: 'Save token' }).click();
    await expect(page.getByTestId('admin-table')).toBeVisible();
    const table = page.getByTestId('admin-table');
    await expect(table.locator('thead th').first()).toBeVisible();
    for (const column of ['Concert id', 'Waiting', 'Active', 'Admitted per second']) {
      await expect(table.locator('thead th', { hasText: new RegExp(`^${column}$`, 'i') })).toHaveCount(1);
    }
    // Concert 1's row is there, with its title looked up from the catalog.
    await expect(table.locator('tbody tr td:first-child', { hasText: /^1$/ })).toHaveCount(1);
    await expect(table.locator('tbody tr').filter({ hasText: 'Aurora Nights' })).toHaveCount(1);
    await expect(page.getByTestId('admin-chart').first()).toBeVisible();
    await expect(page.getByTestId('admin-updated')).toContainText('Updated');

    // The token is remembered across reloads, and the figures keep refreshing.
    await page.reload();
    await expect(page.getByTestId('admin-table')).toBeVisible();
    const requests: number[] = [];
    page.on('request', (req) => {
      if (req.url().includes('/trpc/admin.overview')) requests.push(Date.now());
    });
    await expect.poll(() => requests.length, { timeout: 15_000 }).toBeGreaterThanOrEqual(2);
  });
});
