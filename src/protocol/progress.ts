export type ProgressToken = string | number;

export interface ProgressParams {
  progressToken: ProgressToken;
  progress: number;
  total?: number;
  message?: string;
}

export const ProgressMethod = { Progress: 'notifications/progress' } as const;
