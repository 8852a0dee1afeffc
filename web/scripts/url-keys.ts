/** Print the playground's URL keys as a markdown table (pasted into docs/playground.md). */
import { TABLE } from '../src/tables.js';

console.log('| URL key | field | default | range / choices | meaning |');
console.log('|---|---|---|---|---|');
for (const p of TABLE) {
  const range = p.choices
    ? p.choices.join(', ')
    : p.type === 'bool'
      ? '0 / 1'
      : p.type === 'string'
        ? 'text'
        : `[${p.min ?? '−∞'}, ${p.max ?? '∞'}]`;
  const help = p.help.replace(/\|/g, '\\|');
  console.log(`| \`${p.short}\` | ${p.key} | ${JSON.stringify(p.default)} | ${range} | ${help} |`);
}
