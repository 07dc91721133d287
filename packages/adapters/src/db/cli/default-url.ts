/** The dev database of API.md's configuration table; tests never use it (their databases are named `*test*`). */
export const DEFAULT_DATABASE_URL = 'mysql://root@127.0.0.1:3306/concert';
/** The API's REDIS_URL default (apps/api/src/env.ts), repeated here because adapters never import an app. */
export const DEFAULT_REDIS_URL = 'redis://127.0.0.1:6379/0';
