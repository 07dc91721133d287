import { expect, test } from '@playwright/test';
import { NAMED_CONCERTS, TOTAL_CONCERTS } from './support/fixtures';

test.describe('concert list', () => {
  test('shows the seeded concerts and loads more on demand', async ({ page }) => {
    await page.goto('/');
    await expect(page.getByRole('heading', { name: 'Concerts', level: 1 })).toBeVisible();
    const cards = page.getByTestId('concert-card');
    // The first page holds 12 concerts, the named ones first (lowest ids).
    await expect(cards).toHaveCount(12);
    for (const concert of NAMED_CONCERTS) {
      await expect(cards.filter({ hasText: concert.title })).toHaveCount(1);
    }
    await expect(cards.first()).toContainText(NAMED_CONCERTS[0].artist);
    await expect(cards.first()).toContainText(NAMED_CONCERTS[0].venue);

    await page.getByRole('button', { name: 'Load more' }).click();
    await expect(cards).toHaveCount(24);
    await page.getByRole('button', { name: 'Load more' }).click();
    await expect(cards).toHaveCount(TOTAL_CONCERTS);
    await expect(page.getByRole('button', { name: 'Load more' })).toHaveCount(0);
  });

  test('search filters the list', async ({ page }) => {
    await page.goto('/');
    const cards = page.getByTestId('concert-card');
    await expect(cards).toHaveCount(12);

    await page.getByRole('searchbox', { name: 'Search concerts' }).fill('Crimson');
    await expect(cards).toHaveCount(1);
    await expect(cards.first()).toContainText('Crimson Echo Live');

    await page.getByRole('searchbox', { name: 'Search concerts' }).fill('no such concert zzz');
    await expect(page.getByTestId('no-concerts')).toBeVisible();
    await expect(cards).toHaveCount(0);

    await page.getByRole('searchbox', { name: 'Search concerts' }).fill('');
    await expect(cards).toHaveCount(12);
  });

  test('a concert card opens its booking page', async ({ page }) => {
    await page.goto('/');
    await page.getByTestId('concert-card').filter({ hasText: NAMED_CONCERTS[1].title }).click();
    await expect(page).toHaveURL(/\/concerts\/2$/);
    await expect(page.getByTestId('concert-title')).toHaveText(NAMED_CONCERTS[1].title);
    await expect(page.getByRole('heading', { name: 'Sign in' })).toBeVisible();
  });
});
