/** A Slack-compatible message: plain text, one line or a few. */
export interface NotificationMessage {
  readonly text: string;
}

/**
 * Sends a booking notice somewhere people read (a chat webhook). Throws when delivery fails, so the workflow
 * that calls it can retry; callers on the request path must never let that failure reach the user.
 */
export interface BookingNotifier {
  send(message: NotificationMessage): Promise<void>;
}
