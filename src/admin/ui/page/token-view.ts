/**
 * The admin token, asked for when the write API answers 401 (a system without a token never
 * asks) and kept in sessionStorage for the tab; the action that was refused runs again once
 * it is given. "Forget" drops it.
 */
import { token } from './api.js';
import { fill, h, setText } from './dom.js';

export class TokenView {
  readonly element: HTMLFormElement;
  private readonly input = h('input', { type: 'password', placeholder: 'admin token', autocomplete: 'off', 'aria-label': 'admin token' });
  private readonly note = h('span', { class: 'note' });
  private retry: (() => void) | undefined;

  constructor() {
    this.element = h('form', { class: 'token' });
    this.element.addEventListener('submit', (e) => {
      e.preventDefault();
      this.save();
    });
    this.paint();
  }

  /** Shows the form, focused, with why; `retry` runs once a token is given. */
  ask(reason: string, retry?: () => void): void {
    if (token.get() !== undefined) token.clear(); // the one kept was refused
    this.retry = retry;
    this.paint();
    this.element.classList.add('asking');
    setText(this.note, reason);
    this.input.focus();
  }

  private save(): void {
    const value = this.input.value.trim();
    if (value === '') return;
    token.set(value);
    this.input.value = '';
    this.element.classList.remove('asking');
    this.paint();
    const retry = this.retry;
    this.retry = undefined;
    retry?.();
  }

  private paint(): void {
    if (token.get() !== undefined) {
      fill(this.element, h('span', { class: 'note' }, 'admin token kept for this tab'), h('button', { type: 'button', onclick: () => this.forget() }, 'Forget'));
      return;
    }
    fill(this.element, this.input, h('button', { type: 'submit' }, 'Use token'), this.note);
  }

  private forget(): void {
    token.clear();
    this.paint();
  }
}
