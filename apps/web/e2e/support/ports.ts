/** Ports of the e2e stack; override with E2E_API_PORT / E2E_WEB_PORT when these are taken. */
export const E2E_API_PORT = Number(process.env.E2E_API_PORT ?? 3191);
export const E2E_WEB_PORT = Number(process.env.E2E_WEB_PORT ?? 3190);
export const E2E_API_URL = `http://127.0.0.1:${E2E_API_PORT}`;
export const E2E_WEB_URL = `http://127.0.0.1:${E2E_WEB_PORT}`;
