import type { Metadata } from 'next';
import Link from 'next/link';
import type { ReactNode } from 'react';
import { apiUrlFromEnv } from '../lib/runtime-config';
import { Providers } from './providers';
import './globals.css';

// Rendered per request so the API URL comes from the serving process's environment, not the build's.
export const dynamic = 'force-dynamic';

export const metadata: Metadata = {
  title: 'Concert tickets',
  description: 'Find a concert, wait your turn, pick a seat.',
};

export default function RootLayout({ children }: { children: ReactNode }) {
  return (
    <html lang="en">
      <body>
        <Providers apiUrl={apiUrlFromEnv()}>
          <header className="site-header">
            <div className="container header-inner">
              <Link href="/" className="brand">
                <span className="brand-mark" aria-hidden="true">
                  ♪
                </span>
                Concert tickets
              </Link>
              <nav className="nav">
                <Link href="/">Concerts</Link>
                <Link href="/admin">Operator dashboard</Link>
              </nav>
            </div>
          </header>
          <main className="container main">{children}</main>
        </Providers>
      </body>
    </html>
  );
}
