'use client';

import { formatEta, formatNumber } from '../../lib/format';
import { useNow } from '../../lib/use-now';
import type { QueueView } from '../../lib/use-queue-pass';

/** The live waiting screen: position, an ETA that counts down between polls, and a progress bar. */
export function WaitingRoom({
  view,
  startPosition,
  onLeave,
}: {
  view: QueueView | null;
  startPosition: number | null;
  onLeave: () => void;
}) {
  const now = useNow(1_000);
  const position = view?.position ?? null;
  const elapsed = view ? (now - view.receivedAt) / 1000 : 0;
  const eta =
    view?.etaSeconds !== null && view?.etaSeconds !== undefined ? Math.max(0, view.etaSeconds - elapsed) : null;
  const progress =
    position !== null && startPosition ? Math.min(1, Math.max(0.03, 1 - (position - 1) / startPosition)) : null;

  return (
    <section className="card waiting" data-testid="waiting-room" aria-live="polite">
      <p className="subtle" style={{ margin: 0 }}>
        <span className="pulse" />
        You are in the waiting room. Keep this page open.
      </p>
      <p className="subtle small" style={{ margin: '18px 0 4px' }}>
        Your place in line
      </p>
      <div className="big-number" data-testid="queue-position">
        {position !== null ? formatNumber(position) : '…'}
      </div>
      <div className={`progress${progress === null ? ' indeterminate' : ''}`}>
        <span
          className="progress-fill"
          style={progress === null ? undefined : { width: `${(progress * 100).toFixed(1)}%` }}
        />
      </div>
      <p style={{ margin: 0 }}>
        Estimated wait: <strong data-testid="queue-eta">{formatEta(eta)}</strong>
      </p>
      <p className="subtle small">
        We check again in {view ? Math.ceil(view.pollAfterMs / 1000) : '…'} s. Re-joining will not get you a better
        place.
      </p>
      <button type="button" className="btn btn-sm" onClick={onLeave}>
        Leave the waiting room
      </button>
    </section>
  );
}
