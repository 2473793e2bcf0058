// The stream_data card: a progress bar fed by progress notifications, and a Cancel button that aborts
// the call (the client sends notifications/cancelled and the server stops).
import { $, currentClient, resultJSON } from './dom.ts';

let streaming: AbortController | undefined;

/** Wires the card's form and Cancel button; once per page. */
export function setupStream(): void {
  $('stream-form').addEventListener('submit', (event) => {
    event.preventDefault();
    void runStream();
  });
  $('stream-cancel').addEventListener('click', () => streaming?.abort('cancelled from the page'));
}

function preview(body: { results: unknown[] }): string {
  const shown = JSON.stringify({ ...body, results: body.results.slice(0, 3) }, null, 1).replace(
    /\n\s*/g,
    ' ',
  );
  return body.results.length > 3 ? `${shown} … and ${body.results.length - 3} more` : shown;
}

async function runStream(): Promise<void> {
  const client = currentClient();
  if (client === undefined || streaming !== undefined) return;
  const source = $<HTMLSelectElement>('stream-source').value;
  const count = Number($<HTMLInputElement>('stream-count').value);
  const bar = $<HTMLProgressElement>('stream-progress');
  const status = $('stream-status');
  const card = $('stream-card');
  const controller = new AbortController();
  streaming = controller;
  bar.max = count;
  bar.value = 0;
  card.dataset.status = 'running';
  status.textContent = `streaming ${count} items from ${source}…`;
  $('stream-result').textContent = '';
  $<HTMLButtonElement>('stream-start').disabled = true;
  $<HTMLButtonElement>('stream-cancel').disabled = false;
  try {
    const result = await client.callTool(
      'stream_data',
      { source, count },
      {
        signal: controller.signal,
        resetTimeoutOnProgress: true,
        onProgress: (p) => {
          bar.max = p.total ?? count;
          bar.value = p.progress;
          status.textContent = p.message ?? `${p.progress}/${bar.max}`;
        },
      },
    );
    const body = resultJSON<{ count: number; results: unknown[] }>(result);
    card.dataset.status = 'completed';
    status.textContent = `completed: ${body.count} items`;
    $('stream-result').textContent = preview(body);
  } catch (error) {
    const cancelled = controller.signal.aborted;
    card.dataset.status = cancelled ? 'cancelled' : 'failed';
    status.textContent = cancelled
      ? `cancelled after ${bar.value}/${bar.max} items`
      : (error as Error).message;
  } finally {
    streaming = undefined;
    $<HTMLButtonElement>('stream-start').disabled = false;
    $<HTMLButtonElement>('stream-cancel').disabled = true;
  }
}
