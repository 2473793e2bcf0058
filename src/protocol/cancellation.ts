import type { RequestId } from './jsonrpc.ts';

export interface CancelledParams {
  requestId: RequestId;
  reason?: string;
}

export const CancellationMethod = { Cancelled: 'notifications/cancelled' } as const;
