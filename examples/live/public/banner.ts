// The banner under the header: what went wrong in words a user understands, what the page does about
// it (a countdown to the next attempt, with "Retry now"), and the technical detail behind "Details".
import { $ } from './dom.ts';

export interface Problem {
  /** What happened, for anyone: "Lost the connection to the server." */
  message: string;
  /** The error behind it, for whoever debugs it; shown folded. */
  detail?: string | undefined;
  /** When the page tries again on its own (ms since the epoch); shows a countdown and "Retry now". */
  retryAt?: number | undefined;
  /** What "Retry now" does. */
  retry?: (() => void) | undefined;
}

let ticker: ReturnType<typeof setInterval> | undefined;
let retryNow: (() => void) | undefined;

/** When the page tries again: shown, but kept out of the alert (aria-hidden), which reads the message once. */
function countdown(problem: Problem): string {
  if (problem.retryAt === undefined) return '';
  const seconds = Math.ceil((problem.retryAt - Date.now()) / 1_000);
  return seconds > 0 ? `Retrying in ${seconds} s…` : 'Retrying…';
}

/** Shows a problem, replacing the one shown; `undefined` clears the banner. */
export function showProblem(problem: Problem | undefined): void {
  clearInterval(ticker);
  ticker = undefined;
  const banner = $('banner');
  banner.hidden = problem === undefined;
  retryNow = problem?.retry;
  $('retry-now').hidden = retryNow === undefined;
  $('banner-details').hidden = problem?.detail === undefined;
  $('banner-detail').textContent = problem?.detail ?? '';
  if (problem === undefined) return;
  $('banner-what').textContent = problem.message;
  const when = $('banner-when');
  when.textContent = countdown(problem);
  if (problem.retryAt !== undefined) {
    ticker = setInterval(() => {
      when.textContent = countdown(problem);
    }, 250);
  }
}

/** The message of a thrown value. */
export const detailOf = (error: unknown): string => (error instanceof Error ? error.message : String(error));

/** Wires "Retry now"; once per page. */
export function setupBanner(): void {
  $('retry-now').addEventListener('click', () => retryNow?.());
}
