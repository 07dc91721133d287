'use client';

import { useMutation } from '@tanstack/react-query';
import { useState } from 'react';
import { setSession } from '../../lib/session-store';
import { useTRPC } from '../../lib/trpc';
import { ErrorNote } from '../error-note';

/** Development sign-in by user id (auth.devSignIn); real sign-in is out of scope for this product. */
export function SignInCard() {
  const trpc = useTRPC();
  const [userId, setUserId] = useState('1');
  const signIn = useMutation(
    trpc.auth.devSignIn.mutationOptions({
      onSuccess: (session) => setSession(session),
    }),
  );
  const id = Number(userId);
  const valid = Number.isInteger(id) && id > 0;

  return (
    <form
      className="card stack"
      style={{ maxWidth: 420 }}
      onSubmit={(event) => {
        event.preventDefault();
        if (valid) signIn.mutate({ userId: id });
      }}
    >
      <div>
        <h2>Sign in</h2>
        <p className="subtle small" style={{ margin: 0 }}>
          Development sign-in: enter any existing user id.
        </p>
      </div>
      <label className="field">
        User id
        <input
          className="input"
          inputMode="numeric"
          name="userId"
          value={userId}
          onChange={(event) => setUserId(event.target.value.replace(/[^0-9]/g, ''))}
        />
      </label>
      <button type="submit" className="btn btn-primary" disabled={!valid || signIn.isPending}>
        {signIn.isPending ? 'Signing in…' : 'Sign in'}
      </button>
      <ErrorNote error={signIn.error} />
    </form>
  );
}
