// html.js - htm bound to Preact: html`<p>${text}</p>` renders text as text
// nodes (never as markup).
import { h } from 'preact';
import htm from 'htm';
export const html = htm.bind(h);
