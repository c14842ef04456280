// Fault no-headers: the request is read and never answered; the connection stays open until someone closes it.
import type { Fault } from './types.js';

export const faultNoHeaders: Fault = {
  kind: 'no-headers',
  summary: 'never sends the response headers',
  takeOver: () => true,
};
