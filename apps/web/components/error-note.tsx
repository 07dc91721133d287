import { describeError } from '../lib/errors';

/** One consistent error box: the human message plus the stable domain code for support. */
export function ErrorNote({
  error,
  title,
  messages,
}: {
  error: unknown;
  title?: string;
  messages?: Record<string, string>;
}) {
  if (!error) return null;
  const { code, message } = describeError(error, messages);
  return (
    <div className="note note-error" role="alert" data-code={code ?? undefined}>
      {title ? <strong>{title}: </strong> : null}
      {message}
      {code ? <code className="code-tag">{code}</code> : null}
    </div>
  );
}
