/** The dev database of API.md's configuration table; tests never use it (their databases are named `*test*`). */
export const DEFAULT_DATABASE_URL = 'mysql://root@127.0.0.1:3306/concert';
