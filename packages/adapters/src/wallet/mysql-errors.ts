/** mysql2 error shapes the wallet and payment adapters branch on. */
export function isDuplicateKey(error: unknown): boolean {
  return (error as { code?: string } | null)?.code === 'ER_DUP_ENTRY';
}

/** Lock conflicts InnoDB resolves by aborting one transaction; the whole transaction is safe to run again. */
export function isRetryableLockError(error: unknown): boolean {
  const code = (error as { code?: string } | null)?.code;
  return code === 'ER_LOCK_DEADLOCK' || code === 'ER_LOCK_WAIT_TIMEOUT';
}

/** Runs `work` again (with a short jittered pause) when InnoDB picked it as a deadlock victim. */
export async function retryOnLockConflict<T>(work: () => Promise<T>, attempts = 5): Promise<T> {
  for (let attempt = 1; ; attempt++) {
    try {
      return await work();
    } catch (error) {
      if (attempt >= attempts || !isRetryableLockError(error)) throw error;
      await new Promise((resolve) => setTimeout(resolve, 5 + Math.random() * 20 * attempt));
    }
  }
}
