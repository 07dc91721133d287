'use client';

import { useCallback, useEffect, useRef, useState } from 'react';
import { domainCodeOf } from './errors';
import type { QueueStatusView } from './router-types';
import { setQueueToken, setSession, useQueueToken } from './session-store';
import { useTRPCClient } from './trpc';

export interface QueueView extends QueueStatusView {
  /** When this view arrived (ms since epoch): lets the ETA count down between polls. */
  receivedAt: number;
}

/** Poll delay after a failed status call: never faster than the server last asked, and at least this. */
const ERROR_BACKOFF_MS = 3_000;

/**
 * The waiting-room pass of one concert: join, leave, and a status loop that waits exactly `pollAfterMs`
 * (as the server last said) after each answer before asking again. Never a fixed interval, never faster:
 * the server spreads far-back users' polls out to protect itself.
 */
export function useQueuePass(concertId: number, signedIn: boolean) {
  const client = useTRPCClient();
  const token = useQueueToken(concertId);
  const [view, setView] = useState<QueueView | null>(null);
  const [error, setError] = useState<unknown>(null);
  const [joining, setJoining] = useState(false);
  /** First position seen for this pass: the progress bar measures the way from there to the front. */
  const [startPosition, setStartPosition] = useState<number | null>(null);
  // Set by join(): the first status poll must also wait the pollAfterMs that queue.enter returned.
  const firstDelay = useRef(0);
  const lastPollAfter = useRef(0);
  const [pollNonce, setPollNonce] = useState(0);

  const accept = useCallback((next: Omit<QueueView, 'receivedAt'>) => {
    lastPollAfter.current = next.pollAfterMs;
    setView({ ...next, receivedAt: Date.now() });
    if (next.position !== null && next.position > 0) {
      setStartPosition((start) => (start === null || next.position! > start ? next.position : start));
    }
  }, []);

  // biome-ignore lint/correctness/useExhaustiveDependencies: pollNonce restarts the loop on purpose
  useEffect(() => {
    if (!token || !signedIn) return;
    let cancelled = false;
    let timer: ReturnType<typeof setTimeout> | undefined;

    const poll = async () => {
      try {
        const status = await client.queue.status.query({}, { context: { queueToken: token } });
        if (cancelled) return;
        accept(status);
        setError(null);
        // EXPIRED and SOLD_OUT are final for this pass: stop asking.
        if (status.status === 'WAITING' || status.status === 'ACTIVE') timer = setTimeout(poll, status.pollAfterMs);
      } catch (err) {
        if (cancelled) return;
        const code = domainCodeOf(err);
        if (code === 'QUEUE_TOKEN_INVALID') {
          setQueueToken(concertId, null);
          setView(null);
          setError(err);
          return;
        }
        if (code === 'SESSION_INVALID') {
          setSession(null);
          return;
        }
        setError(err);
        timer = setTimeout(poll, Math.max(lastPollAfter.current, ERROR_BACKOFF_MS));
      }
    };

    const delay = firstDelay.current;
    firstDelay.current = 0;
    timer = setTimeout(poll, delay);
    return () => {
      cancelled = true;
      clearTimeout(timer);
    };
  }, [token, signedIn, client, accept, concertId, pollNonce]);

  const join = useCallback(async () => {
    setJoining(true);
    setError(null);
    try {
      const entered = await client.queue.enter.mutate({ concertId });
      setStartPosition(null);
      accept({ ...entered, activeUntil: null });
      firstDelay.current = entered.pollAfterMs;
      setQueueToken(concertId, entered.queueToken);
      // Same token as before (re-entering returns the same pass): restart the loop with the new delay.
      setPollNonce((n) => n + 1);
    } catch (err) {
      setError(err);
    } finally {
      setJoining(false);
    }
  }, [client, concertId, accept]);

  const leave = useCallback(async () => {
    if (token) {
      try {
        await client.queue.leave.mutate({}, { context: { queueToken: token } });
      } catch {
        // Leaving is best effort: the pass is forgotten locally either way.
      }
    }
    setQueueToken(concertId, null);
    setView(null);
    setStartPosition(null);
  }, [client, concertId, token]);

  /** Ask again now (e.g. after the API said QUEUE_NOT_ACTIVE on a hold). Honors the last pollAfterMs. */
  const recheck = useCallback(() => {
    firstDelay.current = lastPollAfter.current;
    setPollNonce((n) => n + 1);
  }, []);

  const forget = useCallback(() => {
    setQueueToken(concertId, null);
    setView(null);
    setStartPosition(null);
  }, [concertId]);

  return { token, view: token ? view : null, error, joining, startPosition, join, leave, recheck, forget };
}
