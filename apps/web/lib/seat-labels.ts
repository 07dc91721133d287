/**
 * reservation.mine only says `seatId`; the seat map already knows row, number and section. Remembered here
 * (per tab, in memory) so "My seats" can say "VIP A-2" instead of a bare id. Unknown after a reload: the id shows.
 */
const labels = new Map<number, string>();

export function rememberSeatLabel(seatId: number, label: string): void {
  labels.set(seatId, label);
}

export function seatLabel(seatId: number): string {
  return labels.get(seatId) ?? `Seat #${seatId}`;
}
