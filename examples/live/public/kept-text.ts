// Text the server did not take (an edit that clashed with someone else's) stays on the page, under the
// document, until the user copied what they need and dismissed it: it is never dropped without a word.
import { $ } from './dom.ts';

/** Shows `text`, the user's version of the document, with why the server did not take it. */
export function keepText(text: string, why: string): void {
  $('kept-why').textContent = why;
  $<HTMLTextAreaElement>('kept-text').value = text;
  $('kept').hidden = false;
}

/** Wires Copy and Dismiss; once per page. */
export function setupKeptText(): void {
  const text = $<HTMLTextAreaElement>('kept-text');
  $('kept-copy').addEventListener('click', () => {
    text.select();
    navigator.clipboard?.writeText(text.value).then(
      () => {
        $('kept-copy').textContent = 'Copied';
      },
      () => {},
    );
  });
  $('kept-dismiss').addEventListener('click', () => {
    $('kept').hidden = true;
    $('kept-copy').textContent = 'Copy';
  });
}
