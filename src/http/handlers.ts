/** What the HTTP edge calls: one use-case per route (STYLE.md habit 8). */
import type { SendMessage } from '../app/send-message.js';

export interface AppHandlers {
  sendMessage: SendMessage;
}
