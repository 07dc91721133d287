'use client';

import { useSyncExternalStore } from 'react';

/**
 * Client-side credentials, kept in localStorage so a reload keeps the user signed in and in line:
 * the session token, one queue pass per concert, and the operator's admin token.
 * A tiny external store so every component (and the tRPC link's header function) reads the same values.
 */

export interface Session {
  sessionToken: string;
  userId: number;
  expiresAt: string;
}

const SESSION_KEY = 'concert.session';
const ADMIN_KEY = 'concert.adminToken';
const queueKey = (concertId: number) => `concert.queue.${concertId}`;

const listeners = new Set<() => void>();
const cache = new Map<string, string | null>();

function read(key: string): string | null {
  if (typeof window === 'undefined') return null;
  if (!cache.has(key)) {
    try {
      cache.set(key, window.localStorage.getItem(key));
    } catch {
      cache.set(key, null);
    }
  }
  return cache.get(key) ?? null;
}

function write(key: string, value: string | null): void {
  cache.set(key, value);
  try {
    if (value === null) window.localStorage.removeItem(key);
    else window.localStorage.setItem(key, value);
  } catch {
    // Private mode or full storage: the in-memory cache still serves this tab.
  }
  for (const listener of listeners) listener();
}

function subscribe(listener: () => void): () => void {
  listeners.add(listener);
  const onStorage = (event: StorageEvent) => {
    if (event.key) cache.delete(event.key);
    listener();
  };
  window.addEventListener('storage', onStorage);
  return () => {
    listeners.delete(listener);
    window.removeEventListener('storage', onStorage);
  };
}

// Snapshots are the raw strings (stable identity between renders); parsing happens in the hooks.
export function getSessionRaw(): string | null {
  return read(SESSION_KEY);
}

export function parseSession(raw: string | null): Session | null {
  if (!raw) return null;
  try {
    const session = JSON.parse(raw) as Session;
    if (new Date(session.expiresAt).getTime() <= Date.now()) return null;
    return session;
  } catch {
    return null;
  }
}

export function getSession(): Session | null {
  return parseSession(getSessionRaw());
}

export function setSession(session: Session | null): void {
  write(SESSION_KEY, session ? JSON.stringify(session) : null);
}

export function getQueueToken(concertId: number): string | null {
  return read(queueKey(concertId));
}

export function setQueueToken(concertId: number, token: string | null): void {
  write(queueKey(concertId), token);
}

export function getAdminToken(): string | null {
  return read(ADMIN_KEY);
}

export function setAdminToken(token: string | null): void {
  write(ADMIN_KEY, token);
}

const serverSnapshot = () => null;

export function useSession(): Session | null {
  const raw = useSyncExternalStore(subscribe, getSessionRaw, serverSnapshot);
  return parseSession(raw);
}

export function useQueueToken(concertId: number): string | null {
  return useSyncExternalStore(subscribe, () => getQueueToken(concertId), serverSnapshot);
}

export function useAdminToken(): string | null {
  return useSyncExternalStore(subscribe, getAdminToken, serverSnapshot);
}

/** True once mounted in the browser: lets pages show a neutral placeholder during hydration. */
export function useHydrated(): boolean {
  return useSyncExternalStore(
    noopSubscribe,
    () => true,
    () => false,
  );
}

const noopSubscribe = () => () => {};
