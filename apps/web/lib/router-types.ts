import type { AppRouter } from '@concert/api';
import type { inferRouterInputs, inferRouterOutputs } from '@trpc/server';

/** Wire types straight from the API's router (type-only import: nothing of apps/api is bundled). */
export type RouterInputs = inferRouterInputs<AppRouter>;
export type RouterOutputs = inferRouterOutputs<AppRouter>;

export type QueueStatusView = RouterOutputs['queue']['status'];
export type ReservationView = RouterOutputs['reservation']['mine']['items'][number];
export type SeatView = RouterOutputs['catalog']['availableSeats']['seats'][number];
